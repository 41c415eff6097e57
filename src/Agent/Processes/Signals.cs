using System.Runtime.InteropServices;

namespace GpuBench.Agent.Processes;

/// <summary>POSIX signals .NET's Process does not send: SIGTERM, the polite request to stop.</summary>
internal static class Signals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM to <paramref name="pid"/>; false where it could not be sent (gone, or not a POSIX system).</summary>
    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && NativeMethods.Kill(pid, SigTerm) == 0;

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code enabled for the whole project; kill(2) takes two ints.
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
    }
}
