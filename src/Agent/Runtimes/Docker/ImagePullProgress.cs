using System.Globalization;
using Docker.DotNet.Models;
using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Runtimes.Docker;

/// <summary>
/// Folds the daemon's pull messages (one per layer event) into bytes done of bytes known, a rate and an estimate,
/// as model provisioning reports them. Layers report their size once they start downloading, so the total grows
/// at first. Remembers the first error the daemon reported (a pull's failures arrive as messages, not as a failed call).
/// </summary>
public sealed class ImagePullProgress(TimeProvider time, Action<ProvisioningTransfer> report) : IProgress<JSONMessage>
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Current, long Total, bool Done)> _layers = new(StringComparer.Ordinal);
    private readonly long _started = time.GetTimestamp();

    /// <summary>The daemon's error text, when it reported one.</summary>
    public string? Error { get; private set; }

    public void Report(JSONMessage value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            if (value.Error?.Message is { Length: > 0 } error)
            {
                Error ??= error;
                return;
            }

            if (string.IsNullOrEmpty(value.ID) || value.Status is null)
            {
                return;
            }

            var layer = _layers.GetValueOrDefault(value.ID);
            if (value.Status == "Downloading" && value.Progress is { Total: > 0 } progress)
            {
                layer = (progress.Current ?? 0, progress.Total.Value, false);
            }
            else if (value.Status is "Download complete" or "Pull complete" or "Already exists")
            {
                layer = (layer.Total, layer.Total, true);
            }

            _layers[value.ID] = layer;
            report(Snapshot());
        }
    }

    private ProvisioningTransfer Snapshot()
    {
        var done = _layers.Values.Sum(l => l.Current);
        var total = _layers.Values.Sum(l => l.Total);
        var seconds = time.GetElapsedTime(_started).TotalSeconds;
        var rate = seconds > 0 ? done / seconds : 0;
        double? left = rate > 0 && total >= done ? (total - done) / rate : null;
        var layersDone = _layers.Values.Count(l => l.Done);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{done / 1e9:F2} / {total / 1e9:F2} GB, {rate / 1e6:F1} MB/s, {(left is { } l ? $"{l:F0} s left" : "time left unknown")}, {layersDone}/{_layers.Count} layers");
        return new ProvisioningTransfer(done, total, rate, left, layersDone, _layers.Count, null, text);
    }
}
