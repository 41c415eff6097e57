using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Options;

namespace GpuBench.LoadGen.Running;

/// <summary>A finished run: what was asked, every timed request, and the metrics computed from them.</summary>
public sealed record LoadResult(LoadOptions Options, string Model, IReadOnlyList<RequestRecord> Requests, ServingMetrics Metrics);
