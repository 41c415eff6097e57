using GpuBench.Core.Contracts;
using GpuBench.TestSupport.Otlp;

namespace GpuBench.AppHost.Tests.Support;

/// <summary>What a benchmark request's trace must hold: the load generator's client span, the gateway, the engine.</summary>
internal static class RequestTraces
{
    public const string LoadGenScope = "GpuBench.LoadGen";
    public const string EngineSpan = "llm_request";

    /// <summary>The run of <see cref="TinyCampaign"/>, whose gateway and engine export under the names of their dashboard resources.</summary>
    public const string Run = $"{TinyCampaign.Server}/{TinyCampaign.Model}/{TinyCampaign.Workload}";

    /// <summary>The spans of the first trace received that has all three parts, or null.</summary>
    public static IReadOnlyList<ReceivedSpan>? FirstComplete(OtlpReceiver receiver) =>
        receiver.Spans.GroupBy(s => s.TraceId)
            .Select(g => g.ToArray())
            .FirstOrDefault(t => t.Any(s => s.Scope == LoadGenScope)
                && t.Any(s => s.Name == EngineSpan)
                && t.Any(s => s.Service == RunResources.Gateway(Run)));

    /// <summary>What was received, one span per line (the first 60), for a failure message.</summary>
    public static string Describe(IReadOnlyList<ReceivedSpan> spans) =>
        string.Join('\n', spans.Take(60).Select(s => $"{s.TraceId[..8]} {s.Service} [{s.Scope}] {s.Name}"));
}
