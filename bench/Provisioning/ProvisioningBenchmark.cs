using System.Diagnostics;
using System.Globalization;
using GpuBench.Provisioning.Hub;

namespace GpuBench.Provisioning.Bench;

/// <summary>
/// Provisions a synthetic model three times into an empty cache: cold (transfer, hash, write), warm (size check
/// only) and warm with every blob re-hashed. Prints bytes, seconds and MB/s (10^6 bytes per second).
/// </summary>
internal static class ProvisioningBenchmark
{
    public static async Task<int> RunAsync(BenchmarkSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var hfHome = Path.Combine(settings.Directory, "hf-home-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        await using var hub = await SyntheticHub.StartAsync(settings.Files, settings.FileBytes, cancellationToken);
        using var http = new HttpClient(HubHttp.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        var request = new ProvisioningRequest(SyntheticHub.ModelId, hfHome) { Endpoint = HubEndpoint.Parse(hub.Address.ToString()) };
        var options = new ProvisioningOptions { MaxParallelDownloads = settings.Parallel };
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{settings.Files} files x {settings.FileMegabytes} MB, {settings.Parallel} at once, {Environment.ProcessorCount} cores, cache {hfHome}"));
        try
        {
            var cold = await Measure("cold (download + sha256 + write)", new ModelProvisioner(http, options), request, output, cancellationToken);
            var warm = await Measure("warm (size check)", new ModelProvisioner(http, options), request, output, cancellationToken);
            var hashed = await Measure("warm (sha256 of every blob)", new ModelProvisioner(http, options with { VerifyExistingFiles = true }), request, output, cancellationToken);
            return cold.Outcome == ProvisioningOutcome.Downloaded && warm.BytesDownloaded == 0 && hashed.BytesDownloaded == 0 ? 0 : 1;
        }
        finally
        {
            if (Directory.Exists(hfHome))
            {
                Directory.Delete(hfHome, recursive: true);
            }
        }
    }

    private static async Task<ProvisioningResult> Measure(string label, ModelProvisioner provisioner, ProvisioningRequest request, TextWriter output, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var result = await provisioner.EnsureAsync(request, cancellationToken: cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        // A size check reads no byte: a rate over model bytes would mean nothing there.
        var rate = label.Contains("size check", StringComparison.Ordinal) ? "" : string.Create(CultureInfo.InvariantCulture, $"{result.TotalBytes / 1e6 / seconds,8:F0} MB/s of model (10^6 bytes/s)");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-32} {result.Outcome,-15} {result.TotalBytes / 1e9,7:F2} GB in cache  {result.BytesDownloaded / 1e9,7:F2} GB received  {seconds,7:F2} s  {rate}") +
            (result.Failure is { } f ? "  " + f.Message : ""));
        return result;
    }
}
