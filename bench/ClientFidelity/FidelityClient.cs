using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime;
using GpuBench.Core.Metrics;
using GpuBench.Core.Runtime;
using GpuBench.LoadGen.Dataset;
using GpuBench.LoadGen.Http;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Running;
using GpuBench.LoadGen.Telemetry;

namespace GpuBench.Bench.ClientFidelity;

/// <summary>
/// Runs the real load generator (LoadRunner, its HTTP client and SSE parser) at each concurrency level against the
/// emission server and compares, chunk by chunk, when the client says a chunk arrived with when the server sent it:
/// arrival delay = client arrival − actual send (the client's own error, loopback included);
/// TTFT error = that delay for the first chunk; ITL error = |client gap − server gap| for the same pair of chunks.
/// The server's lateness against its schedule is reported apart and is not the client's error.
/// </summary>
public static class FidelityClient
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        // What `gpubench load` does first; the variable set to 0 outside turns it off for comparison.
        InlineSocketCompletions.Enable();
        using var http = LoadHttpClient.Create();
        using var telemetry = new LoadGenTelemetry();
        var runner = new LoadRunner(http, telemetry);

        Console.WriteLine(
            $"server {args.Url}, {args.Chunks} chunks per stream, {Environment.ProcessorCount} cores visible to the client; " +
            $"GC {(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode}; " +
            $"inline socket completions {Environment.GetEnvironmentVariable(InlineSocketCompletions.Variable)}");
        Console.WriteLine(
            "| streams | chunks/s | server late p99 / max (ms) | TTFT err p50 / p99 (ms) | arrival delay p50 / p99 / max (ms) " +
            "| ITL err p50 (ms) | ITL err p99 (ms) | ITL err max (ms) | client CPU ms / 1,000 chunks | alloc B / chunk | GCs in window | GC pause in window (ms) | failed |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

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
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var result = await runner.RunAsync(options, samples, null, CancellationToken.None);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var emissions = await http.GetFromJsonAsync<Dictionary<string, Emission>>(new Uri(args.Url, "emissions"))
            ?? throw new InvalidOperationException("no emissions");
        if (!print)
        {
            return;
        }

        var late = new List<double>();
        var ttft = new List<double>();
        var delay = new List<double>();
        var itl = new List<double>();
        var ticksToMs = 1000.0 / Stopwatch.Frequency;
        foreach (var r in result.Requests.Where(r => r.Success))
        {
            var emitted = emissions[r.Index.ToString(CultureInfo.InvariantCulture)];
            var arrival = result.OriginTimestamp + ((r.StartS + r.TtftS) * Stopwatch.Frequency);
            var previousDelay = 0.0;
            for (var k = 0; k < emitted.Sent.Length && k <= r.ItlS.Length; k++)
            {
                if (k > 0)
                {
                    arrival += r.ItlS[k - 1] * Stopwatch.Frequency;
                }

                var d = (arrival - emitted.Sent[k]) * ticksToMs;
                late.Add((emitted.Sent[k] - emitted.Due[k]) * ticksToMs);
                delay.Add(d);
                if (k == 0)
                {
                    ttft.Add(d);
                }
                else
                {
                    itl.Add(Math.Abs(d - previousDelay));
                }

                previousDelay = d;
            }
        }

        var m = result.Metrics;
        var chunksPerS = m.GpuBench!.Chunks / m.Duration;
        static string F(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);
        static double P(List<double> xs, double p) => SampleStatistics.Percentile([.. xs], p);
        late.Sort();
        ttft.Sort();
        delay.Sort();
        itl.Sort();
        Console.WriteLine(
            $"| {streams} | {chunksPerS:0} | {F(P(late, 99))} / {F(late[^1])} | {F(P(ttft, 50))} / {F(P(ttft, 99))} " +
            $"| {F(P(delay, 50))} / {F(P(delay, 99))} / {F(delay[^1])} | {F(P(itl, 50))} | {F(P(itl, 99))} | {F(itl[^1])} " +
            $"| {m.GpuBench.ClientCpuMsPer1000Chunks:0.0} | {allocated / (double)m.GpuBench.Chunks:0} " +
            $"| {m.GpuBench.ClientGcCollections} | {m.GpuBench.ClientGcPauseMs:0.0} | {m.Failed} |");
        if (emissions.Values.Sum(e => e.BlockedSends) is > 0 and var blocked)
        {
            Console.WriteLine($"  ({blocked} server sends found the client's receive queue full and blocked)");
        }
    }
}
