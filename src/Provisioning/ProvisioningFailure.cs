namespace GpuBench.Provisioning;

/// <summary>Why a model could not be provisioned, in words meant for the campaign's results and its operator.</summary>
public sealed record ProvisioningFailure(ProvisioningFailureKind Kind, string Message);

public enum ProvisioningFailureKind
{
    /// <summary>Model id, revision or file list unusable before anything is fetched.</summary>
    InvalidRequest,

    /// <summary>HTTP 401/403: gated or private, and the token is missing or has no access.</summary>
    AccessDenied,

    RepositoryNotFound,

    RevisionNotFound,

    /// <summary>A file the listing named was not found when fetched.</summary>
    FileNotFound,

    /// <summary>The revision exists but none of its files match the requested patterns.</summary>
    NoMatchingFiles,

    InsufficientDiskSpace,

    /// <summary>Offline, and the cache holds no whole snapshot of the revision.</summary>
    NotCached,

    /// <summary>The Hub could not be reached, or kept failing, after every retry.</summary>
    NetworkFailure,

    /// <summary>A file kept arriving with the wrong size or hash after every retry.</summary>
    IntegrityFailure,

    /// <summary>The cache could not be written (permissions, a file in the way).</summary>
    CacheFailure,
}

/// <summary>A failure that ends the provisioning of one model; turned into a failed result, never thrown to callers.</summary>
internal sealed class ProvisioningException(ProvisioningFailureKind kind, string message) : Exception(message)
{
    public ProvisioningFailure Failure { get; } = new(kind, message);
}

/// <summary>A failure worth another attempt: a 5xx or 429 answer, or bytes that did not match their hash.</summary>
internal sealed class TransientFailureException(ProvisioningFailureKind kind, string message) : Exception(message)
{
    public ProvisioningFailureKind Kind { get; } = kind;
}
