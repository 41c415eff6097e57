namespace GpuBench.Provisioning;

/// <summary>How provisioning behaves on the wire and on disk; the defaults suit a GPU box on a datacentre link.</summary>
public sealed record ProvisioningOptions
{
    /// <summary>Files downloaded at once. Large models are sharded into many files of a few GB each.</summary>
    public int MaxParallelDownloads { get; init; } = 8;

    /// <summary>Attempts per request (metadata or one file), counting the first.</summary>
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A request that yields no byte for this long is abandoned and retried (resuming where it was).</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Least time between two progress reports; file completions and the end are always reported.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// When true, blobs already in the cache are re-hashed (sha256 / git blob id) instead of only size-checked:
    /// catches same-size corruption at the cost of reading every byte.
    /// </summary>
    public bool VerifyExistingFiles { get; init; }

    public void Validate()
    {
        Require(MaxParallelDownloads >= 1, nameof(MaxParallelDownloads), "at least 1");
        Require(MaxAttempts >= 1, nameof(MaxAttempts), "at least 1");
        Require(InitialRetryDelay >= TimeSpan.Zero, nameof(InitialRetryDelay), "not negative");
        Require(MaxRetryDelay >= InitialRetryDelay, nameof(MaxRetryDelay), "at least InitialRetryDelay");
        Require(StallTimeout > TimeSpan.Zero, nameof(StallTimeout), "positive");
        Require(ProgressInterval >= TimeSpan.Zero, nameof(ProgressInterval), "not negative");
    }

    private static void Require(bool condition, string name, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"ProvisioningOptions.{name} must be {expected}.", name);
        }
    }
}
