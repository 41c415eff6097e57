using System.Diagnostics;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Inventory;
using GpuBench.Core.Contracts;
using GpuBench.Core.Prometheus;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Telemetry;

/// <summary>A replica whose /metrics is scraped, and the box's GPU ids it owns (for simulated GPU readings).</summary>
public sealed record ScrapeTarget(int Replica, string BaseUrl, IReadOnlyList<int> GpuIds);

/// <summary>
/// Samples GPU and engine telemetry while a run goes on: nvidia-smi dmon on real GPUs, the simulator's gauges on
/// simulated ones, and every replica's /metrics. Exports the readings live and summarises them for the result.
/// </summary>
public sealed class TelemetrySampler(
    IHttpClientFactory httpClients,
    AgentMetrics metrics,
    TimeProvider time,
    IOptions<AgentOptions> options,
    ILogger<TelemetrySampler> logger)
{
    public const string HttpClientName = "telemetry";

    public TelemetrySession Start(bool simulatedGpus, IReadOnlyList<ScrapeTarget> targets, CancellationToken cancellationToken)
    {
        var session = new TelemetrySession(CancellationTokenSource.CreateLinkedTokenSource(cancellationToken));
        var token = session.Token;
        session.Loops.Add(ScrapeEnginesAsync(simulatedGpus, targets, session, token));
        if (!simulatedGpus)
        {
            session.Loops.Add(ReadDmonAsync(session, token));
        }

        return session;
    }

    private void RecordGpu(GpuSample sample, TelemetrySession session)
    {
        foreach (var (name, unit, value) in sample.Figures())
        {
            session.Gpus.Add(name, unit, $"gpu{sample.Gpu}", value);
            metrics.Set(name, unit, "gpu", sample.Gpu.ToString(System.Globalization.CultureInfo.InvariantCulture), value);
        }
    }

    private async Task ScrapeEnginesAsync(bool simulatedGpus, IReadOnlyList<ScrapeTarget> targets, TelemetrySession session, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        var readers = targets.ToDictionary(t => t.Replica, _ => new EngineMetrics());
        using var timer = new PeriodicTimer(options.Value.TelemetryInterval, time);
        do
        {
            foreach (var target in targets)
            {
                string text;
                try
                {
                    text = await client.GetStringAsync(new Uri(new Uri(target.BaseUrl), "/metrics"), cancellationToken);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // Unreachable or too slow this time (an engine busy starting, a timeout): the next tick tries again.
                    logger.LogDebug("Replica {Replica} /metrics not readable: {Error}", target.Replica, e.Message);
                    continue;
                }

                var at = time.GetUtcNow();
                var samples = PrometheusText.Parse(text);
                var replica = target.Replica.ToString(System.Globalization.CultureInfo.InvariantCulture);
                foreach (var (name, unit, value) in readers[target.Replica].Read(samples, at))
                {
                    session.Engine.Add(name, unit, $"replica{replica}", value);
                    metrics.Set(name, unit, "replica", replica, value);
                }

                if (simulatedGpus)
                {
                    foreach (var local in SimulatedGpuReadings.Read(samples, at).Where(s => s.Gpu < target.GpuIds.Count))
                    {
                        RecordGpu(local with { Gpu = target.GpuIds[local.Gpu] }, session);
                    }
                }
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private async Task ReadDmonAsync(TelemetrySession session, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(GpuInventoryProvider.NvidiaSmi) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in NvidiaSmiDmon.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo);
        if (process is null)
        {
            return;
        }

        try
        {
            var dmon = new NvidiaSmiDmon();
            while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            {
                if (dmon.Read(line, time.GetUtcNow()) is { } sample)
                {
                    RecordGpu(sample, session);
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}

/// <summary>A sampling in progress; <see cref="StopAsync"/> ends it and returns the summaries.</summary>
public sealed class TelemetrySession(CancellationTokenSource stop) : IAsyncDisposable
{
    internal List<Task> Loops { get; } = [];
    internal TelemetrySummarizer Gpus { get; } = new();
    internal TelemetrySummarizer Engine { get; } = new();
    internal CancellationToken Token => stop.Token;

    /// <summary>Why a sampling loop ended before it was stopped, if one did: the summaries hold what came before.</summary>
    public IReadOnlyList<Exception> Failures => [.. Loops.Where(l => l.IsFaulted).Select(l => l.Exception!.GetBaseException())];

    public async Task<(IReadOnlyList<TelemetrySummary> Gpus, IReadOnlyList<TelemetrySummary> Engine)> StopAsync()
    {
        await stop.CancelAsync();

        // A loop that broke (see Failures) must not cost the run its result: telemetry comes beside it.
        await Task.WhenAll(Loops).ContinueWith(_ => { }, TaskScheduler.Default);
        return (Gpus.Summaries(), Engine.Summaries());
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stop.Dispose();
    }
}
