using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Telemetry;

/// <summary>Accumulates the mean and peak of each sampled series over one run. Thread-safe.</summary>
public sealed class TelemetrySummarizer
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Name, string Unit, string Source), (int Count, double Sum, double Peak)> _series = [];

    public void Add(string name, string unit, string source, double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return;
        }

        lock (_lock)
        {
            var key = (name, unit, source);
            _series[key] = _series.TryGetValue(key, out var s)
                ? (s.Count + 1, s.Sum + value, Math.Max(s.Peak, value))
                : (1, value, value);
        }
    }

    public IReadOnlyList<TelemetrySummary> Summaries()
    {
        lock (_lock)
        {
            return _series
                .OrderBy(s => s.Key.Source, StringComparer.Ordinal).ThenBy(s => s.Key.Name, StringComparer.Ordinal)
                .Select(s => new TelemetrySummary(s.Key.Name, s.Key.Unit, s.Key.Source, s.Value.Count,
                    Math.Round(s.Value.Sum / s.Value.Count, 3), s.Value.Peak))
                .ToArray();
        }
    }
}
