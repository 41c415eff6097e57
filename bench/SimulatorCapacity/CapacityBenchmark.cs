using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GpuBench.Simulator.Cli;
using GpuBench.Simulator.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GpuBench.Bench.SimulatorCapacity;

/// <summary>
/// Drives a simulator with many concurrent streaming completions and reports the token rate the clients
/// received and the server's own chunk timing error (written minus due). Roles: `server` (run it pinned to the
/// cores under test), `client --url` (run it on other cores), or `both` in one process for a quick look.
/// </summary>
public static class CapacityBenchmark
{
    // A fast simulated deployment: 16 data-parallel H200 replicas of the dense 8B model, so the simulated GPUs
    // can produce far more than 100,000 tokens/s and the simulator itself is what is measured.
    private static readonly string[] ServerArgs =
        ["serve", "meta-llama/Llama-3.1-8B-Instruct", "--sim-gpu", "h200", "--sim-gpu-count", "16", "--data-parallel-size", "16",
         "--max-model-len", "4096", "--max-num-seqs", "512", "--host", "127.0.0.1"];

    public static async Task<int> RunAsync(string[] args)
    {
        var role = args.Length > 0 ? args[0] : "both";
        var streams = Option(args, "--streams", 2000);
        var seconds = Option(args, "--seconds", 60);
        var outputLen = Option(args, "--output-len", 400);
        var port = Option(args, "--port", 0);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        switch (role)
        {
            case "server":
                await using (var app = await StartServerAsync(port, stop.Token))
                {
                    Console.WriteLine($"Simulator listening on {Address(app)}; Ctrl+C to stop.");
                    await app.WaitForShutdownAsync(stop.Token);
                }

                return 0;
            case "client":
                var url = Text(args, "--url") ?? throw new ArgumentException("client needs --url http://host:port");
                return await DriveAsync(new Uri(url), streams, seconds, outputLen, stop.Token);
            default:
                await using (var app = await StartServerAsync(port, stop.Token))
                {
                    return await DriveAsync(new Uri(Address(app)), streams, seconds, outputLen, stop.Token);
                }
        }
    }

    private static async Task<WebApplication> StartServerAsync(int port, CancellationToken cancellationToken)
    {
        var app = SimulatorApp.Create(VllmArguments.Parse([.. ServerArgs, "--port", port.ToString(CultureInfo.InvariantCulture)]));
        await app.StartAsync(cancellationToken);
        return app;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private static async Task<int> DriveAsync(Uri url, int streams, int seconds, int outputLen, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ActivityHeadersPropagator = null,
        })
        { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };

        var before = await StatsAsync(http, cancellationToken);
        var received = new long[streams];
        var failures = 0L;
        var stopwatch = Stopwatch.StartNew();
        var warmup = TimeSpan.FromSeconds(Math.Min(10, seconds / 4.0));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
        long windowStartTokens = 0;
        var windowStart = TimeSpan.Zero;
        var sampler = Task.Run(async () =>
        {
            await Task.Delay(warmup, deadline.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            windowStartTokens = received.Sum();
            windowStart = stopwatch.Elapsed;
        }, CancellationToken.None);

        var clients = Enumerable.Range(0, streams).Select(i => Task.Run(async () =>
        {
            var body = JsonSerializer.Serialize(new { model = "meta-llama/Llama-3.1-8B-Instruct", prompt = $" ka be{i}", max_tokens = outputLen, ignore_eos = true, stream = true });
            while (!deadline.IsCancellationRequested)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
                    while (await reader.ReadLineAsync(deadline.Token) is { } line)
                    {
                        if (line.StartsWith("data: {", StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref received[i]);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, CancellationToken.None)).ToArray();

        await Task.WhenAll(clients);
        await sampler;
        var elapsed = stopwatch.Elapsed;
        var after = await StatsAsync(http, cancellationToken);
        var windowTokens = received.Sum() - windowStartTokens;
        var rate = windowTokens / (elapsed - windowStart).TotalSeconds;
        var emission = after.GetProperty("emission");
        var cpu = after.GetProperty("cpu_seconds").GetDouble() - before.GetProperty("cpu_seconds").GetDouble();
        var uptime = after.GetProperty("uptime_seconds").GetDouble() - before.GetProperty("uptime_seconds").GetDouble();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            Concurrent streams:             {streams}
            Run / measured window (s):      {elapsed.TotalSeconds:F1} / {(elapsed - windowStart).TotalSeconds:F1}
            Tokens/s received by clients:   {rate:F0}
            Failed requests:                {failures}
            Server CPU (cores busy):        {cpu / uptime:F2}   ({Environment.ProcessorCount} visible to this process)
            Chunk lateness, written - due (whole run, ms):
              chunks {emission.GetProperty("chunks").GetInt64()}, mean {emission.GetProperty("meanMs").GetDouble():F2}, p50 <= {emission.GetProperty("p50Ms").GetDouble():F1}, p99 <= {emission.GetProperty("p99Ms").GetDouble():F1}, p99.9 <= {emission.GetProperty("p999Ms").GetDouble():F1}, max {emission.GetProperty("maxMs").GetDouble():F1}
            """));
        return failures == 0 ? 0 : 1;
    }

    private static Task<JsonElement> StatsAsync(HttpClient http, CancellationToken cancellationToken) =>
        http.GetFromJsonAsync<JsonElement>("/sim/stats", cancellationToken);

    private static int Option(string[] args, string name, int fallback) =>
        Text(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
