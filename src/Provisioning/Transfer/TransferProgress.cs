namespace GpuBench.Provisioning.Transfer;

/// <summary>
/// Adds up the bytes of parallel downloads and reports them at most once per interval (and on every file
/// completed). The rate is taken over the last few seconds so a live view follows the link, not the average.
/// </summary>
internal sealed class TransferProgress(
    string modelId, string commit, long bytesTotal, long bytesOnDisk, int filesTotal,
    IProgress<ProvisioningProgress>? sink, TimeProvider time, TimeSpan interval)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Queue<(long Timestamp, long Bytes)> _samples = new([(time.GetTimestamp(), bytesOnDisk)]);

    // Partial blobs kept from an earlier run count as done from the start; the rate counts only new bytes.
    private long _bytes = bytesOnDisk;
    private int _files;
    private string? _current;
    private long _lastReport = time.GetTimestamp();

    /// <summary>Counts bytes written for a file; negative when a bad transfer's bytes are thrown away.</summary>
    public void Add(string path, long bytes)
    {
        lock (_gate)
        {
            _bytes += bytes;
            _current = path;
            if (time.GetElapsedTime(_lastReport) >= interval)
            {
                Report();
            }
        }
    }

    public void FileDone(string path)
    {
        lock (_gate)
        {
            _files++;
            _current = path;
            Report();
        }
    }

    private void Report()
    {
        var now = time.GetTimestamp();
        _lastReport = now;
        _samples.Enqueue((now, _bytes));
        while (_samples.Count > 2 && time.GetElapsedTime(_samples.Peek().Timestamp, now) > RateWindow)
        {
            _samples.Dequeue();
        }

        var (since, bytesThen) = _samples.Peek();
        var seconds = time.GetElapsedTime(since, now).TotalSeconds;
        var rate = seconds > 0 ? Math.Max(0, _bytes - bytesThen) / seconds : 0;
        TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, bytesTotal - _bytes) / rate) : null;
        sink?.Report(new ProvisioningProgress(modelId, commit, _bytes, bytesTotal, _files, filesTotal, rate, eta, _current));
    }
}
