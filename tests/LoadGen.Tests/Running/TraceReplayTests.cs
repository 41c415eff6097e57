using System.Diagnostics;
using GpuBench.LoadGen.Http;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Running;
using GpuBench.LoadGen.Telemetry;
using GpuBench.LoadGen.Tests.Dataset;
using GpuBench.LoadGen.Tests.Server;

namespace GpuBench.LoadGen.Tests.Running;

/// <summary>
/// A Mooncake trace replayed against a real server: each request arrives at its timestamp's offset from the first,
/// scaled, counted from the run's origin (client and server share this process's Stopwatch). A request does not
/// arrive before its time (the client waits for it, on timers that may end a coarse-clock tick early: 20 ms); the upper bound allows 300 ms of scheduling and connection
/// noise on a busy two-core machine, below the 400 ms between the trace's distinct times.
/// </summary>
public sealed class TraceReplayTests : IAsyncLifetime
{
    private ScriptedSseServer _server = null!;
    private readonly HttpClient _http = LoadHttpClient.Create();
    private readonly LoadGenTelemetry _telemetry = new();
    private readonly DatasetFiles _files = new();

    public async ValueTask InitializeAsync() => _server = await ScriptedSseServer.StartAsync(new Script { Ttft = TimeSpan.FromMilliseconds(5), Itl = TimeSpan.Zero });

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _telemetry.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task Requests_arrive_at_their_recorded_offsets_times_the_scale()
    {
        var trace = _files.Write("trace.jsonl", string.Join('\n',
            """{"timestamp": 5000, "input_length": 20, "output_length": 2, "hash_ids": [7]}""",
            """{"timestamp": 5400, "input_length": 30, "output_length": 2, "hash_ids": [7]}""",
            """{"timestamp": 5400, "input_length": 10, "output_length": 2}""",
            """{"timestamp": 6200, "input_length": 25, "output_length": 2, "hash_ids": [8]}"""));
        var options = new LoadOptions
        {
            BaseUrl = _server.BaseUrl,
            NumPrompts = 10,
            Dataset = new DatasetOptions { Name = DatasetOptions.Mooncake, Path = trace, TraceTimeScale = 0.5 },
        };

        var result = await new LoadRunner(_http, _telemetry).RunAsync(options, null, TestContext.Current.CancellationToken);

        Assert.Equal(4, result.Metrics.Completed);
        var byLength = _server.Received.ToDictionary(r => r.PromptWords);
        foreach (var (words, at) in new[] { (20, 0.0), (30, 0.2), (10, 0.2), (25, 0.6) })
        {
            var offset = Stopwatch.GetElapsedTime(result.OriginTimestamp, byLength[words].Arrived).TotalSeconds;
            Assert.InRange(offset, at - 0.02, at + 0.3);
        }

        var dataset = result.Metrics.GpuBench!.Dataset!;
        Assert.Equal(("mooncake", "trace.jsonl", 4), (dataset.Name, dataset.File, dataset.Requests));
        Assert.Equal("0.5", dataset.Flags["trace_time_scale"]);
        Assert.Equal((10, 30), (dataset.InputLens.Min, dataset.InputLens.Max));
    }
}
