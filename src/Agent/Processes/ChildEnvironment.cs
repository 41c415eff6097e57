namespace GpuBench.Agent.Processes;

/// <summary>
/// What engines and gateways inherit of the agent's environment: only what a program needs to run on the box
/// (paths, locale, CUDA and NCCL settings, the .NET runtime's and a Python virtualenv's location, the OpenTelemetry
/// exporter). Never the agent's token, a user's HF_TOKEN or any other secret the agent's own environment holds: a
/// child's secrets are given to it by name (<see cref="ChildProcess.Start"/>).
/// </summary>
public static class ChildEnvironment
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TERM",
        "LD_LIBRARY_PATH", "VIRTUAL_ENV", "CONDA_PREFIX", "CUDA_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR",
    };

    private static readonly string[] Prefixes = ["LC_", "XDG_", "DOTNET_", "CUDA_", "NVIDIA_", "NCCL_", "OTEL_"];

    /// <summary>Whether a variable of the agent's environment is passed on to its children.</summary>
    public static bool IsInherited(string name) =>
        Names.Contains(name) || Prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    /// <summary>Removes from <paramref name="environment"/> (a copy of the agent's) every variable not inherited.</summary>
    public static void Restrict(IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var name in environment.Keys.Where(n => !IsInherited(n)).ToArray())
        {
            environment.Remove(name);
        }
    }
}
