using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace GpuBench.Agent.Telemetry;

/// <summary>
/// Exports the latest GPU and engine readings as OpenTelemetry gauges on the "GpuBench.Agent" meter: one
/// instrument per figure ("gpubench.gpu.power"), one series per GPU or replica (attribute "gpu" / "replica").
/// </summary>
public sealed class AgentMetrics
{
    public const string MeterName = "GpuBench.Agent";

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<(string Key, string Value), double>> _latest = new();

    public AgentMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
    }

    public void Set(string name, string unit, string attribute, string attributeValue, double value)
    {
        var series = _latest.GetOrAdd(name, n =>
        {
            var values = new ConcurrentDictionary<(string Key, string Value), double>();
            _meter.CreateObservableGauge($"gpubench.{n}", () => values.Select(v =>
                new Measurement<double>(v.Value, new KeyValuePair<string, object?>(v.Key.Key, v.Key.Value))), unit);
            return values;
        });
        series[(attribute, attributeValue)] = value;
    }
}
