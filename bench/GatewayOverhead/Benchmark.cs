using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using GpuBench.GatewayOverhead.Diagnostics;
using GpuBench.GatewayOverhead.Load;
using GpuBench.GatewayOverhead.Proxies;
using GpuBench.GatewayOverhead.Results;

namespace GpuBench.GatewayOverhead;

/// <summary>
/// One run: the replicas, the gateway and NGINX started once, then for each number of streams the same load
/// direct to the replicas, through the gateway and through NGINX, one after the other.
/// </summary>
internal static class Benchmark
{
    private sealed record Target(string Path, IReadOnlyList<Uri> Urls, ChildProcess? Proxy, string? StatsFile);

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var replicaPorts = Enumerable.Range(0, options.Replicas).Select(_ => ChildProcess.FreePort()).ToArray();
        var replicaUrls = replicaPorts.Select(p => new Uri($"http://127.0.0.1:{p}/")).ToArray();
        using var replicas = ChildProcess.StartSelf("replicas", options.ReplicaArguments(replicaPorts));
        foreach (var url in replicaUrls)
        {
            await replicas.WaitReadyAsync(new Uri(url, "health"), cancellationToken);
        }

        // Next to --out when given (the gateway's runtime, second by second, comes back with the results).
        var statsFolder = options.Out is null
            ? Directory.CreateTempSubdirectory("gatewayoverhead-stats-").FullName
            : Directory.CreateDirectory(Path.ChangeExtension(Path.GetFullPath(options.Out), null) + "-runtime").FullName;
        var targets = new List<Target> { new("direct", replicaUrls.Select(Completions).ToArray(), null, null) };
        var gateways = new List<ChildProcess>();
        try
        {
            foreach (var variant in options.Variants)
            {
                var (gateway, url, stats) = await StartGatewayAsync(variant, replicaUrls, statsFolder, cancellationToken);
                gateways.Add(gateway);
                targets.Add(new(variant.Name, [Completions(url)], gateway, stats));
            }

            return await RunTargetsAsync(options, replicaUrls, targets, cancellationToken);
        }
        finally
        {
            foreach (var gateway in gateways)
            {
                gateway.Dispose();
            }
        }
    }

    private static async Task<(ChildProcess Gateway, Uri Url, string Stats)> StartGatewayAsync(GatewayVariant variant, Uri[] replicaUrls, string statsFolder, CancellationToken cancellationToken)
    {
        var port = ChildProcess.FreePort();
        var stats = Path.Combine(statsFolder, variant.Name + ".csv");
        var gateway = ChildProcess.StartSelf(variant.Name,
        [
            "gateway",
            "--stats", stats,
            $"--Gateway:Port={port}",
            $"--Gateway:Admin:Port={ChildProcess.FreePort()}",
            // Random per run and never printed: the benchmark does not call the admin API.
            $"--Gateway:Admin:Token={Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}",
            "--Logging:LogLevel:Default=Warning",
            .. replicaUrls.Select((u, i) => $"--Gateway:Replicas:{i}={u}"),
            .. variant.Settings,
        ], variant.Environment);
        var url = new Uri($"http://127.0.0.1:{port}/");
        await gateway.WaitReadyAsync(new Uri(url, "health"), cancellationToken);
        return (gateway, url, stats);
    }

    private static async Task<int> RunTargetsAsync(BenchOptions options, Uri[] replicaUrls, List<Target> targets, CancellationToken cancellationToken)
    {
        var nginxPath = options.SkipNginx ? null : Nginx.Find(options.NginxPath);
        var nginxPort = ChildProcess.FreePort();
        using var nginx = nginxPath is null ? null : Nginx.Start(nginxPath, nginxPort, replicaUrls, options.NginxWorkers);
        if (nginx is not null)
        {
            var nginxUrl = new Uri($"http://127.0.0.1:{nginxPort}/");
            await nginx.WaitReadyAsync(new Uri(nginxUrl, "health"), cancellationToken);
            targets.Add(new("nginx", [Completions(nginxUrl)], nginx, null));
        }
        else
        {
            Console.WriteLine(options.SkipNginx ? "NGINX skipped (--skip-nginx)." : "NGINX not found: pass --nginx PATH; running direct and gateway only.");
        }

        Console.WriteLine(Invariant($"{Environment.ProcessorCount} cores (load average {LoadAverage()}), {options.Replicas} replicas, first chunk after {options.Schedule.Ttft.TotalMilliseconds} ms, {options.Schedule.Chunks} chunks of {options.Schedule.ChunkBytes} B every {options.Schedule.Interval.TotalMilliseconds} ms, warmup {options.Warmup.TotalSeconds} s, window {options.Duration.TotalSeconds} s"));
        // A .NET process compiles its hot paths again, optimised, during its first seconds of load: prime every
        // path once so that no measurement window pays for the gateway's JIT.
        foreach (var target in targets)
        {
            await new StreamLoad(target.Urls, options.Streams[0]).RunAsync(options.Prime, TimeSpan.Zero, cancellationToken);
        }

        var results = new List<RunResult>();
        foreach (var streams in options.Streams)
        {
            for (var round = 1; round <= options.Rounds; round++)
            {
                foreach (var target in Rotated(targets, round - 1))
                {
                    var result = await MeasureAsync(target, streams, round, options, cancellationToken);
                    results.Add(result);
                    Console.WriteLine(Invariant($"{streams} streams, round {round}/{options.Rounds}, {target.Path}: {result.ChunksPerSecond:F0} chunks/s, chunk p50/p99 {result.ChunkP50Ms:F2}/{result.ChunkP99Ms:F2} ms, TTFT p50/p99 {result.TtftP50Ms:F2}/{result.TtftP99Ms:F2} ms, errors {result.Errors}, load average {LoadAverage()}"));
                    if (result.ProxyRuntime is { } runtime)
                    {
                        Console.WriteLine($"  {target.Path} runtime: {runtime}");
                    }

                    // Let closed connections drain before the next path.
                    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                }
            }
        }

        var summary = RoundSummary.Of(results);
        Console.WriteLine();
        Console.WriteLine(ResultTable.Render(summary));
        if (options.Out is not null)
        {
            await File.WriteAllTextAsync(options.Out, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        }

        return results.Any(r => r.StreamsCompleted == 0) ? 1 : 0;
    }

    /// <summary>
    /// The paths in the order of one round: each round starts one path later, so that no path always follows
    /// the drain after another level, or always runs first or last.
    /// </summary>
    internal static IEnumerable<T> Rotated<T>(IReadOnlyList<T> items, int by) =>
        items.Skip(by % items.Count).Concat(items.Take(by % items.Count));

    private static async Task<RunResult> MeasureAsync(Target target, int streams, int round, BenchOptions options, CancellationToken cancellationToken)
    {
        var load = new StreamLoad(target.Urls, streams).RunAsync(options.Warmup, options.Duration, cancellationToken);
        await Task.Delay(options.Warmup, cancellationToken);
        var cpuBefore = target.Proxy is { } p ? ProcessCpu.Seconds(p.Id) : (double?)null;
        var machineBefore = ProcessCpu.Machine();
        var started = Stopwatch.GetTimestamp();
        var startedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(options.Duration, cancellationToken);
        var endedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var cpu = target.Proxy is { } q ? ProcessCpu.Seconds(q.Id) - cpuBefore : null;
        var machineAfter = ProcessCpu.Machine();
        var window = Stopwatch.GetElapsedTime(started);
        var samples = await load;
        var busy = 100 * (machineAfter.Busy - machineBefore.Busy) / (machineAfter.Total - machineBefore.Total);
        // The recorder writes once a second; by now (the load has stopped) it has written the window's last second.
        var runtime = target.StatsFile is null ? null : RuntimeStatsWindow.Read(target.StatsFile, startedUnixMs, endedUnixMs);
        return RunResult.Of(target.Path, streams, round, options.Duration, samples, cpu * options.Duration.TotalSeconds / window.TotalSeconds, busy) with { ProxyRuntime = runtime };
    }

    // What else the machine was running: a shared machine's figures are only as good as its idle cores.
    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static Uri Completions(Uri baseUrl) => new(baseUrl, "v1/completions");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
