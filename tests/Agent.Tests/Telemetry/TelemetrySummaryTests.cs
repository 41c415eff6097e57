using System.Diagnostics.Metrics;
using GpuBench.Agent.Telemetry;
using GpuBench.Core.Contracts;
using GpuBench.Core.Prometheus;
using Microsoft.Extensions.DependencyInjection;

namespace GpuBench.Agent.Tests.Telemetry;

public class TelemetrySummaryTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Summary_gives_mean_and_peak_per_series_and_ignores_nan()
    {
        var summarizer = new TelemetrySummarizer();
        foreach (var watts in new[] { 100.0, 300.0, 200.0, double.NaN })
        {
            summarizer.Add("gpu.power", "W", "gpu0", watts);
        }

        summarizer.Add("gpu.power", "W", "gpu1", 50);

        var summaries = summarizer.Summaries();

        Assert.Equal(new TelemetrySummary("gpu.power", "W", "gpu0", 3, 200, 300), summaries[0]);
        Assert.Equal(new TelemetrySummary("gpu.power", "W", "gpu1", 1, 50, 50), summaries[1]);
    }

    [Fact]
    public void Simulated_gpu_gauges_become_samples_per_gpu_index_the_replica_sees()
    {
        var samples = PrometheusText.Parse($"""
            {SimulatedGpuMetrics.PowerWatts}{"{"}gpu="1"{"}"} 410
            {SimulatedGpuMetrics.UtilizationPercent}{"{"}gpu="1"{"}"} 88
            {SimulatedGpuMetrics.PowerWatts}{"{"}gpu="0"{"}"} 400
            vllm:num_requests_running 3
            """);

        var readings = SimulatedGpuReadings.Read(samples, At);

        Assert.Equal([0, 1], readings.Select(r => r.Gpu));
        Assert.Equal(410, readings[1].PowerWatts);
        Assert.Equal(88, readings[1].UtilizationPercent);
        Assert.Null(readings[0].UtilizationPercent);
    }

    [Fact]
    public void Readings_are_exported_as_gauges_on_the_agent_meter_with_a_series_per_gpu()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var metrics = new AgentMetrics(meterFactory);
        metrics.Set("gpu.power", "W", "gpu", "0", 123);
        metrics.Set("gpu.power", "W", "gpu", "1", 456);
        var seen = new List<(string Instrument, double Value, object? Gpu)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // This test's meter only (its factory is the scope): parallel tests publish the same meter name.
            if (instrument.Meter.Name == AgentMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            seen.Add((instrument.Name, value, tags.ToArray().Single(t => t.Key == "gpu").Value)));
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal([("gpubench.gpu.power", 123.0, (object?)"0"), ("gpubench.gpu.power", 456.0, "1")],
            seen.OrderBy(s => s.Value));
    }
}
