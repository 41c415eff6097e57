using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GpuBench.Core.Metrics;
using GpuBench.Core.Prometheus;
using GpuBench.Gateway.Hosting;
using GpuBench.Gateway.Listeners;
using GpuBench.Simulator.Cli;
using GpuBench.Simulator.Serving;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace GpuBench.GatewayPolicies;

/// <summary>
/// For each policy in turn: fresh simulated replicas, a gateway over them with that policy, the same seeded requests
/// sent by a closed loop of clients; then one table of request throughput, TTFT and E2EL, and how each replica fared.
/// </summary>
public static class PolicyBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        // The simulators and the gateway share this process; their request logs would cost the run CPU.
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        var options = BenchOptions.Parse(args);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        var lengths = options.OutputLengths();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Model} on {string.Join(" + ", options.Gpus)} (simulated); {options.Requests} requests, input {options.InputLen}, output {options.ShortLen} or {options.LongLen} ({lengths.Count(l => l == options.LongLen)} long), {options.Concurrency} clients"));
        var results = new List<PolicyResult>();
        foreach (var policy in options.Policies)
        {
            results.Add(await RunPolicyAsync(options, policy, lengths, stop.Token));
            Console.WriteLine($"  {policy}: done");
        }

        Console.WriteLine(Report.Table(results));
        return results.All(r => r.Failures == 0) ? 0 : 1;
    }

    private static async Task<PolicyResult> RunPolicyAsync(BenchOptions options, string policy, int[] lengths, CancellationToken cancellationToken)
    {
        var replicas = new List<WebApplication>();
        try
        {
            foreach (var gpu in options.Gpus)
            {
                var replica = SimulatorApp.Create(VllmArguments.Parse(options.ReplicaArguments(gpu)));
                await replica.StartAsync(cancellationToken);
                replicas.Add(replica);
            }

            var addresses = replicas.Select(r => r.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).ToArray();
            await using var gateway = GatewayHost.Create(
            [
                "--Gateway:Port=0", "--Gateway:Admin:Port=0", $"--Gateway:Policy={policy}",
                .. addresses.Select((a, i) => $"--Gateway:Replicas:{i}={a}"),
            ], builder => builder.Logging.ClearProviders());
            await gateway.StartAsync(cancellationToken);
            var publicPort = gateway.Services.GetRequiredService<GatewayListeners>().PublicEndPoint.Port;

            using var http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = int.MaxValue,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                ActivityHeadersPropagator = null,
            })
            { Timeout = Timeout.InfiniteTimeSpan };

            // Let the queue-aware policy take its first readings, and every policy start from the same idle state.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var queues = addresses.Select(_ => new QueueSamples()).ToArray();
            var sampler = SampleQueuesAsync(http, addresses, queues, sampling.Token);
            var (requests, elapsed) = await DriveAsync(http, new Uri($"http://127.0.0.1:{publicPort}/"), options, lengths, cancellationToken);
            await sampling.CancelAsync();
            await sampler;

            var served = new List<ReplicaOutcome>();
            for (var i = 0; i < addresses.Length; i++)
            {
                var metrics = await ReadMetricsAsync(http, addresses[i], cancellationToken);
                served.Add(new ReplicaOutcome(options.Gpus[i], Sum(metrics, "vllm:generation_tokens"), Sum(metrics, "vllm:num_preemptions"), queues[i].Mean, queues[i].Max));
            }

            return new PolicyResult(policy, requests, elapsed, served);
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.StopAsync(CancellationToken.None);
                await replica.DisposeAsync();
            }
        }
    }

    // Closed loop: each client sends the next request of the shared list as soon as its previous one ends.
    private static async Task<(RequestOutcome[] Requests, TimeSpan Elapsed)> DriveAsync(
        HttpClient http, Uri gateway, BenchOptions options, int[] lengths, CancellationToken cancellationToken)
    {
        var outcomes = new RequestOutcome[lengths.Length];
        var next = -1;
        var stopwatch = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < lengths.Length)
            {
                outcomes[index] = await SendAsync(http, gateway, options, index, lengths[index], cancellationToken);
            }
        }, cancellationToken));
        await Task.WhenAll(clients);
        return (outcomes, stopwatch.Elapsed);
    }

    private static async Task<RequestOutcome> SendAsync(HttpClient http, Uri gateway, BenchOptions options, int index, int outputLen, CancellationToken cancellationToken)
    {
        // One-syllable words are one token each for the simulator's tokenizer; the leading word keeps prompts apart.
        var prompt = $" be{index % 1000}" + string.Concat(Enumerable.Repeat(" ka", options.InputLen - 1));
        var body = JsonSerializer.Serialize(new { model = options.Model, prompt, max_tokens = outputLen, ignore_eos = true, stream = true });
        var started = Stopwatch.GetTimestamp();
        double? ttft = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "v1/completions")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (ttft is null && line.StartsWith("data: {", StringComparison.Ordinal))
                {
                    ttft = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }

            return new RequestOutcome(outputLen, ttft ?? double.NaN, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ttft is not null);
        }
        catch (HttpRequestException)
        {
            return new RequestOutcome(outputLen, double.NaN, double.NaN, false);
        }
    }

    private static async Task SampleQueuesAsync(HttpClient http, string[] addresses, QueueSamples[] queues, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                for (var i = 0; i < addresses.Length; i++)
                {
                    queues[i].Add(Sum(await ReadMetricsAsync(http, addresses[i], cancellationToken), "vllm:num_requests_waiting"));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    private static async Task<IReadOnlyList<PrometheusSample>> ReadMetricsAsync(HttpClient http, string address, CancellationToken cancellationToken) =>
        PrometheusText.Parse(await http.GetStringAsync(new Uri(new Uri(address), "/metrics"), cancellationToken));

    // Counters are exposed as name_total; gauges by their name.
    private static double Sum(IReadOnlyList<PrometheusSample> samples, string name) =>
        samples.Where(s => s.Name == name || s.Name == name + "_total").Sum(s => s.Value);

    /// <summary>Queue lengths seen on one replica during the run.</summary>
    private sealed class QueueSamples
    {
        private readonly List<double> _values = [];

        public double Mean => _values.Count == 0 ? 0 : SampleStatistics.Mean(_values.ToArray());

        public double Max => _values.Count == 0 ? 0 : _values.Max();

        public void Add(double value) => _values.Add(value);
    }
}

/// <summary>One request as the client saw it (milliseconds).</summary>
public sealed record RequestOutcome(int OutputLen, double TtftMs, double E2elMs, bool Ok);

/// <summary>One replica after the run: tokens it generated, preemptions, its queue while the run lasted.</summary>
public sealed record ReplicaOutcome(string Gpu, double OutputTokens, double Preemptions, double MeanWaiting, double MaxWaiting);

/// <summary>Everything measured for one policy.</summary>
public sealed record PolicyResult(string Policy, RequestOutcome[] Requests, TimeSpan Elapsed, IReadOnlyList<ReplicaOutcome> Replicas)
{
    public int Failures => Requests.Count(r => !r.Ok);
}
