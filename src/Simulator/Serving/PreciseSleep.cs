using System.Runtime.InteropServices;

namespace GpuBench.Simulator.Serving;

/// <summary>
/// Sleeps for less than a millisecond without spinning: <see cref="Thread.Sleep(TimeSpan)"/> and wait handles
/// count whole milliseconds, so the engine thread used to spin (yielding) through the last 1.5 ms before each
/// micro-batch. With 16 data-parallel ranks a batch completes every millisecond or so, and that spin kept one core
/// busy, the core the streams' writes needed. nanosleep(2) sleeps to within the kernel's timer slack (50 µs).
/// </summary>
internal static partial class PreciseSleep
{
    public static void For(double seconds)
    {
        if (seconds <= 0)
        {
            return;
        }

        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Max(1, seconds * 1000)));
            return;
        }

        var whole = (long)seconds;
        var request = new Timespec(whole, (long)((seconds - whole) * 1e9));
        _ = NativeMethods.nanosleep(ref request, IntPtr.Zero); // an interrupted sleep just ends early: the caller re-checks the time
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Timespec(long Seconds, long Nanoseconds);

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code enabled for the whole project; nanosleep(2) takes a blittable struct.
        [DllImport("libc", EntryPoint = "nanosleep", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int nanosleep(ref Timespec request, IntPtr remaining);
#pragma warning restore SYSLIB1054
    }
}
