using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Options;

namespace GpuBench.LoadGen.Running;

/// <summary>
/// A finished run: what was asked, every timed request, and the metrics computed from them.
/// <see cref="OriginTimestamp"/> is the Stopwatch timestamp the requests' start offsets count from, so records can
/// be lined up with anything else timed on the same host's monotonic clock (server logs, GPU telemetry).
/// </summary>
public sealed record LoadResult(LoadOptions Options, string Model, IReadOnlyList<RequestRecord> Requests, ServingMetrics Metrics, long OriginTimestamp);
