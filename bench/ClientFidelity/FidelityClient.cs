using System.Diagnostics;
using System.Globalization;
using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Dataset;
using GpuBench.LoadGen.Http;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Running;
using GpuBench.LoadGen.Telemetry;

namespace GpuBench.Bench.ClientFidelity;

/// <summary>
/// Runs the real load generator (LoadRunner, its HTTP client and SSE parser) at each concurrency level against the
/// emission server and compares what it measured with what the server recorded, chunk by chunk:
/// TTFT error = client's first-chunk arrival − server's first emission (everything the client adds to TTFT);
/// ITL error = client gap − server gap for the same pair of chunks.
/// </summary>
public static class FidelityClient
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        using var http = LoadHttpClient.Create();
        using var telemetry = new LoadGenTelemetry();
        var runner = new LoadRunner(http, telemetry);

        Console.WriteLine($"server {args.Url}, {args.Chunks} chunks per stream, {Environment.ProcessorCount} cores visible to the client");
        Console.WriteLine("| streams | chunks/s | TTFT err p50 (ms) | TTFT err p99 (ms) | ITL err p50 (ms) | ITL err p99 (ms) | ITL err max (ms) | client CPU ms / 1,000 chunks | failed |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

        // A short unmeasured run warms up the JIT and the connection pool.
        await RunLevelAsync(http, runner, args, Math.Min(50, args.Streams.Min()), print: false);
        foreach (var streams in args.Streams)
        {
            await RunLevelAsync(http, runner, args, streams, print: true);
        }

        return 0;
    }

    private static async Task RunLevelAsync(HttpClient http, LoadRunner runner, BenchArgs args, int streams, bool print)
    {
        (await http.PostAsync(new Uri(args.Url, "reset"), null)).EnsureSuccessStatusCode();
        var options = new LoadOptions
        {
            BaseUrl = args.Url,
            Model = "fidelity",
            NumPrompts = streams,
            MaxConcurrency = streams,
            RandomInputLen = 1,
            RandomOutputLen = args.Chunks,
        };
        var samples = Enumerable.Range(0, streams).Select(i => new SampleRequest(i, $"req-{i}", 3, args.Chunks)).ToArray();
        var result = await runner.RunAsync(options, samples, null, CancellationToken.None);
        var emissions = await http.GetFromJsonAsync<Dictionary<string, long[]>>(new Uri(args.Url, "emissions"))
            ?? throw new InvalidOperationException("no emissions");

        var ttftErrors = new List<double>();
        var itlErrors = new List<double>();
        var ticksToMs = 1000.0 / Stopwatch.Frequency;
        foreach (var r in result.Requests.Where(r => r.Success))
        {
            var emitted = emissions[r.Index.ToString(CultureInfo.InvariantCulture)];
            var arrival = result.OriginTimestamp + ((r.StartS + r.TtftS) * Stopwatch.Frequency);
            ttftErrors.Add((arrival - emitted[0]) * ticksToMs);
            for (var k = 0; k < r.ItlS.Length && k + 1 < emitted.Length; k++)
            {
                var serverGapMs = (emitted[k + 1] - emitted[k]) * ticksToMs;
                itlErrors.Add(Math.Abs((r.ItlS[k] * 1000) - serverGapMs));
            }
        }

        if (!print)
        {
            return;
        }

        ttftErrors.Sort();
        itlErrors.Sort();
        var m = result.Metrics;
        var chunksPerS = m.GpuBench!.Chunks / m.Duration;
        static string F(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);
        Console.WriteLine(
            $"| {streams} | {chunksPerS:0} | {F(SampleStatistics.Percentile([.. ttftErrors], 50))} | {F(SampleStatistics.Percentile([.. ttftErrors], 99))} " +
            $"| {F(SampleStatistics.Percentile([.. itlErrors], 50))} | {F(SampleStatistics.Percentile([.. itlErrors], 99))} | {F(itlErrors.LastOrDefault())} " +
            $"| {m.GpuBench.ClientCpuMsPer1000Chunks:0.0} | {m.Failed} |");
    }
}
