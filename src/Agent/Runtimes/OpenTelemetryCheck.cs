using GpuBench.Core.Engines;

namespace GpuBench.Agent.Runtimes;

/// <summary>
/// The Python one-liner that tells whether a vLLM install can export traces: it imports what vLLM's tracing module
/// imports (the contract's `optional_packages.opentelemetry.modules`), exit code 0 when all are there.
/// </summary>
public static class OpenTelemetryCheck
{
    public const string Package = "opentelemetry";

    public static IReadOnlyList<string> PythonArguments =>
        ["-c", "import " + string.Join(", ", VllmCliContract.Pinned.Modules(Package))];

    /// <summary>The pip requirements that add the packages, pinned.</summary>
    public static IReadOnlyList<string> Requirements => VllmCliContract.Pinned.Packages(Package);

    /// <summary>The deployment's warning when vLLM has to start without --otlp-traces-endpoint.</summary>
    public static string TracingOff(string engine, string why) =>
        $"vLLM tracing is off for this deployment: {engine} lacks the OpenTelemetry packages ({string.Join(", ", Requirements)}) " +
        $"and {why}. The replicas start without --otlp-traces-endpoint (vLLM refuses to start with it then); the load " +
        "generator's and the gateway's spans are still exported.";
}
