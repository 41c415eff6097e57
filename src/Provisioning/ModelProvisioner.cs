using System.Globalization;
using GpuBench.Provisioning.Cache;
using GpuBench.Provisioning.Hub;
using GpuBench.Provisioning.Transfer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GpuBench.Provisioning;

/// <summary>
/// Makes a model's files present in a Hugging Face cache before an engine starts, so that download time is
/// measured on its own and vLLM (same HF_HOME, HF_HUB_OFFLINE=1) finds everything locally.
/// </summary>
/// <remarks>
/// Every call asks the Hub for the revision's commit and file list (two small requests): that is what makes
/// "already complete" a fact rather than a guess (a branch may have moved; a snapshot may be partial), and it
/// costs nothing next to a deployment. When every selected file's blob is in the cache with the published size
/// (and hash, with <see cref="ProvisioningOptions.VerifyExistingFiles"/>), no file is transferred.
/// </remarks>
public sealed class ModelProvisioner
{
    private readonly HttpClient _http;
    private readonly ProvisioningOptions _options;
    private readonly IFreeSpaceProbe _freeSpace;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>
    /// <paramref name="http"/> must sit on <see cref="HubHttp.CreateHandler"/> (redirects off) with no timeout or
    /// retry handler of its own; <see cref="ProvisioningServiceCollectionExtensions.AddModelProvisioning"/> sets that up.
    /// </summary>
    public ModelProvisioner(HttpClient http, ProvisioningOptions? options = null, IFreeSpaceProbe? freeSpace = null,
        TimeProvider? time = null, ILogger<ModelProvisioner>? logger = null)
    {
        _http = http;
        _options = options ?? new ProvisioningOptions();
        _options.Validate();
        _freeSpace = freeSpace ?? new DriveFreeSpaceProbe();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// Provisions one model. Failures (access, not found, disk, network after retries) come back as a result with
    /// <see cref="ProvisioningResult.Failure"/> set, so a campaign records them and goes on; only cancellation throws.
    /// </summary>
    public async Task<ProvisioningResult> EnsureAsync(ProvisioningRequest request, IProgress<ProvisioningProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _time.GetTimestamp();
        string? commit = null;
        try
        {
            var patterns = ProvisioningRequestValidator.Validate(request);
            var cache = new RepoCache(request.HfHome, request.ModelId);
            if (request.Offline)
            {
                return FromCache(request, cache, started) ?? throw new ProvisioningException(ProvisioningFailureKind.NotCached,
                    $"Offline, and the cache {cache.RepositoryDirectory} holds no whole snapshot of model {request.ModelId} at '{request.Revision}'; " +
                    "provision it once with access to the Hub.");
            }

            var endpoint = request.Endpoint ?? HubEndpoint.FromEnvironment();
            var hub = new HubClient(_http, endpoint, request.Token, request.ModelId, request.Revision, _options);
            var retry = new RetryPolicy(_options, _time, _logger);
            (string Commit, IReadOnlyList<HubFile> Files) listing;
            try
            {
                listing = await LookUpAsync(hub, retry, request, endpoint, cancellationToken).ConfigureAwait(false);
            }
            catch (ProvisioningException ex) when (ex.Failure.Kind == ProvisioningFailureKind.NetworkFailure && FromCache(request, cache, started) is { } cached)
            {
                _logger.LogWarning("{Message} Using the cached snapshot {Commit} of model {Model} as it is.", ex.Message, cached.Commit, request.ModelId);
                return cached;
            }

            commit = listing.Commit;
            var files = listing.Files.Where(f => patterns.Matches(f.Path)).ToArray();
            if (files.Length == 0)
            {
                throw new ProvisioningException(ProvisioningFailureKind.NoMatchingFiles,
                    $"None of the {listing.Files.Count} files of model {request.ModelId} at '{request.Revision}' ({commit}) matches [{patterns}]; " +
                    "set the model's file patterns in the config.");
            }

            return await FetchAsync(request, cache, hub, retry, listing.Commit, files, progress, started, cancellationToken).ConfigureAwait(false);
        }
        catch (ProvisioningException ex)
        {
            return Fail(request, commit, started, ex.Failure);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Network IO errors are retried and wrapped by RetryPolicy; what arrives here is the cache's file system.
            return Fail(request, commit, started, new ProvisioningFailure(ProvisioningFailureKind.CacheFailure,
                $"The cache at {request.HfHome} could not be written for model {request.ModelId}: {ex.Message}"));
        }
    }

    private static async Task<(string Commit, IReadOnlyList<HubFile> Files)> LookUpAsync(
        HubClient hub, RetryPolicy retry, ProvisioningRequest request, HubEndpoint endpoint, CancellationToken cancellationToken)
    {
        var commit = await retry.ExecuteAsync($"Looking up model {request.ModelId} at '{request.Revision}' on {endpoint}",
            hub.ResolveCommitAsync, cancellationToken).ConfigureAwait(false);
        var files = await retry.ExecuteAsync($"Listing the files of model {request.ModelId} at {commit}",
            token => hub.ListFilesAsync(commit, token), cancellationToken).ConfigureAwait(false);
        return (commit, files);
    }

    /// <summary>Fetches the selected files' missing blobs, links the snapshot, and writes the ref last.</summary>
    private async Task<ProvisioningResult> FetchAsync(ProvisioningRequest request, RepoCache cache, HubClient hub, RetryPolicy retry,
        string commit, IReadOnlyList<HubFile> files, IProgress<ProvisioningProgress>? progress, long started, CancellationToken cancellationToken)
    {
        var missing = await FindMissingAsync(cache, files, cancellationToken).ConfigureAwait(false);
        var onDisk = missing.Sum(f => PartialLength(cache, f));
        var total = missing.Sum(f => f.Size);
        CheckFreeSpace(request, cache, total - onDisk);

        _logger.LogInformation("Model {Model} at {Revision} ({Commit}): {Files} files, {Missing} to fetch ({Bytes} bytes)",
            request.ModelId, request.Revision, commit, files.Count, missing.Count, total - onDisk);
        var tracker = new TransferProgress(request.ModelId, commit, total, onDisk, missing.Count, progress, _time, _options.ProgressInterval);
        var downloader = new BlobDownloader(hub, cache, commit, retry, _options, tracker);
        var byBlob = files.ToLookup(f => f.BlobId);
        await Parallel.ForEachAsync(missing, new ParallelOptions
        {
            MaxDegreeOfParallelism = _options.MaxParallelDownloads,
            CancellationToken = cancellationToken,
        }, async (file, token) =>
        {
            await downloader.DownloadAsync(file, token).ConfigureAwait(false);
            foreach (var sameBlob in byBlob[file.BlobId])
            {
                cache.Link(commit, sameBlob);
            }

            tracker.FileDone(file.Path);
        }).ConfigureAwait(false);

        // Files whose blobs were already cached (from another commit, or a lost link) are linked here.
        foreach (var file in files)
        {
            cache.Link(commit, file);
        }

        // Written last: a ref in the cache means its snapshot was completed once.
        cache.WriteRef(request.Revision, commit);
        var elapsed = _time.GetElapsedTime(started);
        var result = new ProvisioningResult(request.ModelId, request.Revision,
            missing.Count == 0 ? ProvisioningOutcome.AlreadyPresent : ProvisioningOutcome.Downloaded,
            commit, cache.SnapshotDirectory(commit), files.Count, files.Sum(f => f.Size), missing.Count, downloader.BytesReceived,
            elapsed, null);
        _logger.LogInformation("Model {Model} {Outcome}: {Files} files, {Bytes} bytes received in {Seconds:F1} s ({MBps:F1} MB/s)",
            request.ModelId, result.Outcome, result.FilesDownloaded, result.BytesDownloaded, elapsed.TotalSeconds, result.DownloadMegabytesPerSecond);
        return result;
    }

    private ProvisioningResult? FromCache(ProvisioningRequest request, RepoCache cache, long started) =>
        cache.FindSnapshot(request.Revision) is { } snapshot
            ? new ProvisioningResult(request.ModelId, request.Revision, ProvisioningOutcome.AlreadyPresent, snapshot.Commit, snapshot.Directory,
                snapshot.FileCount, snapshot.TotalBytes, 0, 0, _time.GetElapsedTime(started), null) { FromCacheOnly = true }
            : null;

    private ProvisioningResult Fail(ProvisioningRequest request, string? commit, long started, ProvisioningFailure failure)
    {
        _logger.LogWarning("Model {Model} at {Revision} not provisioned ({Kind}): {Message}", request.ModelId, request.Revision, failure.Kind, failure.Message);
        return ProvisioningResult.Failed(request, commit, _time.GetElapsedTime(started), failure);
    }

    /// <summary>
    /// The blobs to fetch, one per blob id, largest first (so the longest transfers start at once): absent, or
    /// present with the wrong size (or hash, when asked). A bad blob is deleted here so that nothing links to it.
    /// </summary>
    private async Task<IReadOnlyList<HubFile>> FindMissingAsync(RepoCache cache, IReadOnlyList<HubFile> files, CancellationToken cancellationToken)
    {
        var missing = new List<HubFile>();
        // Re-hashing is CPU-bound: blobs are checked as many at once as downloads run.
        await Parallel.ForEachAsync(files.DistinctBy(f => f.BlobId), new ParallelOptions
        {
            MaxDegreeOfParallelism = _options.MaxParallelDownloads,
            CancellationToken = cancellationToken,
        }, async (file, token) =>
        {
            var blob = new FileInfo(cache.BlobPath(file.BlobId));
            var why = !blob.Exists ? null
                : blob.Length != file.Size ? $"{blob.Length} bytes instead of {file.Size}"
                : _options.VerifyExistingFiles && !await BlobHasher.MatchesAsync(file, blob.FullName, token).ConfigureAwait(false)
                    ? "a hash that does not match the Hub's" : null;
            if (why is not null)
            {
                _logger.LogWarning("Cached blob {Blob} of {Path} has {Why}: fetching it again", blob.FullName, file.Path, why);
                blob.Delete();
            }

            if (!blob.Exists || why is not null)
            {
                lock (missing)
                {
                    missing.Add(file);
                }
            }
        }).ConfigureAwait(false);

        return missing.OrderByDescending(f => f.Size).ToArray();
    }

    private static long PartialLength(RepoCache cache, HubFile file)
    {
        var partial = new FileInfo(cache.IncompletePath(file.BlobId));
        return partial.Exists ? Math.Min(partial.Length, file.Size) : 0;
    }

    private void CheckFreeSpace(ProvisioningRequest request, RepoCache cache, long needed)
    {
        if (needed <= 0)
        {
            return;
        }

        var available = _freeSpace.AvailableBytes(cache.RepositoryDirectory);
        if (needed > available)
        {
            throw new ProvisioningException(ProvisioningFailureKind.InsufficientDiskSpace,
                $"Not enough disk space for model {request.ModelId} in {cache.HubDirectory}: {Bytes(needed)} still to download, " +
                $"{Bytes(available)} available. Free space there or point the server's model cache path at a larger disk.");
        }
    }

    private static string Bytes(long bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F2} GB ({bytes} bytes)");
}
