using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GpuBench.LoadGen.Telemetry;

/// <summary>
/// The load generator's spans and live metrics. Names follow OpenTelemetry's GenAI semantic conventions where
/// they define one (gen_ai.client.*, gen_ai.usage.*); the rest are gpubench.loadgen.*.
/// Register <see cref="SourceName"/> and <see cref="MeterName"/> with the OpenTelemetry SDK to export them.
/// </summary>
public sealed class LoadGenTelemetry : IDisposable
{
    public const string SourceName = "GpuBench.LoadGen";
    public const string MeterName = "GpuBench.LoadGen";

    private static readonly double[] LatencyBucketsS =
        [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84];

    public LoadGenTelemetry(IMeterFactory? meterFactory = null)
    {
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        InFlight = Meter.CreateUpDownCounter<long>("gpubench.loadgen.requests.in_flight", "{request}", "Benchmark requests sent and not yet finished.");
        OutputTokens = Meter.CreateCounter<long>("gpubench.loadgen.output_tokens", "{token}", "Output tokens received; its rate is the live tokens/s.");
        Chunks = Meter.CreateCounter<long>("gpubench.loadgen.chunks", "{chunk}", "Choices-bearing SSE events received.");
        Failures = Meter.CreateCounter<long>("gpubench.loadgen.requests.failed", "{request}", "Failed benchmark requests, by error kind.");
        TimeToFirstChunk = Meter.CreateHistogram("gen_ai.client.operation.time_to_first_chunk", "s",
            "Time from sending the request to the first choices-bearing chunk (the benchmark's TTFT).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsS });
        TimePerOutputChunk = Meter.CreateHistogram("gen_ai.client.operation.time_per_output_chunk", "s",
            "Gap between consecutive choices-bearing chunks (the benchmark's ITL).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsS });
        OperationDuration = Meter.CreateHistogram("gen_ai.client.operation.duration", "s",
            "Time from sending the request to the last chunk (the benchmark's E2EL).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBucketsS });
    }

    public ActivitySource Source { get; } = new(SourceName);

    public Meter Meter { get; }

    public UpDownCounter<long> InFlight { get; }

    public Counter<long> OutputTokens { get; }

    public Counter<long> Chunks { get; }

    public Counter<long> Failures { get; }

    public Histogram<double> TimeToFirstChunk { get; }

    public Histogram<double> TimePerOutputChunk { get; }

    public Histogram<double> OperationDuration { get; }

    public void Dispose()
    {
        Source.Dispose();
        Meter.Dispose();
    }
}
