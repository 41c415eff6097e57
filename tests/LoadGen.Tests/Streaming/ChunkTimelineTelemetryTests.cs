using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using GpuBench.LoadGen.Streaming;
using GpuBench.LoadGen.Telemetry;

namespace GpuBench.LoadGen.Tests.Streaming;

public sealed class ChunkTimelineTelemetryTests : IDisposable
{
    private readonly LoadGenTelemetry _telemetry = new();
    private readonly MeterListener _listener = new();
    private readonly List<(string Name, double Value)> _measurements = [];

    public ChunkTimelineTelemetryTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _telemetry.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, _, _) => _measurements.Add((i.Name, v)));
        _listener.SetMeasurementEventCallback<long>((i, v, _, _) => _measurements.Add((i.Name, v)));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _telemetry.Dispose();
    }

    private static byte[] Chunk(int completionTokens) =>
        Encoding.UTF8.GetBytes($"data: {{\"choices\":[{{\"delta\":{{\"content\":\"x\"}}}}],\"usage\":{{\"completion_tokens\":{completionTokens}}}}}");

    private double[] Values(string name) => [.. _measurements.Where(m => m.Name == name).Select(m => m.Value)];

    [Fact]
    public void Each_chunk_records_its_gap_and_tokens_as_it_arrives()
    {
        var f = Stopwatch.Frequency;
        using var timeline = new ChunkTimeline(8, _telemetry) { StartTimestamp = 1_000 * f };

        timeline.OnLine(Chunk(1), 1_000 * f + (f / 10));  // first chunk 100 ms after the start
        Assert.Equal([0.1], Values("gen_ai.client.operation.time_to_first_chunk"));
        Assert.Empty(Values("gen_ai.client.operation.time_per_output_chunk"));

        timeline.OnLine(Chunk(3), 1_000 * f + (f / 10) + (f / 50));  // 20 ms later, carrying two tokens
        Assert.Equal([0.02], Values("gen_ai.client.operation.time_per_output_chunk"));

        timeline.OnLine(Chunk(4), 1_000 * f + (f / 10) + (f / 50) + (f / 25));  // 40 ms later
        Assert.Equal([0.02, 0.04], Values("gen_ai.client.operation.time_per_output_chunk"));
        Assert.Equal([1, 1, 1], Values("gpubench.loadgen.chunks"));
        Assert.Equal([1, 2, 1], Values("gpubench.loadgen.output_tokens"));
        Assert.Equal(4, timeline.LiveTokens);
    }

    [Fact]
    public void Chunks_without_usage_count_one_token_each()
    {
        using var timeline = new ChunkTimeline(4, _telemetry);
        timeline.OnLine("data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}"u8, 10);
        timeline.OnLine("data: {\"choices\":[{\"delta\":{\"content\":\"y\"}}]}"u8, 20);

        Assert.Equal(2, timeline.LiveTokens);
        Assert.Empty(Values("gen_ai.client.operation.time_to_first_chunk"));  // no start stamp, no TTFT
    }

    [Fact]
    public void Handling_a_chunk_with_live_telemetry_allocates_nothing()
    {
        using var timeline = new ChunkTimeline(20_000, _telemetry) { StartTimestamp = 1 };
        var chunk = Chunk(1);
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => { });
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) => { });
        for (var i = 0; i < 100; i++)
        {
            timeline.OnLine(chunk, i + 2);  // warm up (JIT, first-use paths)
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            timeline.OnLine(chunk, i + 200);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Null(timeline.Text());  // the default keeps no text
    }

    [Fact]
    public void Keeping_text_allocates_nothing_per_chunk_once_the_pool_has_buffers()
    {
        var chunk = Chunk(1);
        _listener.SetMeasurementEventCallback<double>((_, _, _, _) => { });
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) => { });
        (long Allocated, string? Text) Request()
        {
            using var timeline = new ChunkTimeline(20_000, _telemetry, keepText: true) { StartTimestamp = 1 };
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                timeline.OnLine(chunk, i + 2);
            }

            return (GC.GetAllocatedBytesForCurrentThread() - before, timeline.Text());
        }

        Request();  // JIT, first-use paths, and the pool's first text buffer
        var (allocated, text) = Request();

        Assert.Equal(0, allocated);
        Assert.Equal(new string('x', 10_000), text);  // one string, made at the end
    }
}
