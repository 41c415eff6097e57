using System.Text.RegularExpressions;
using GpuBench.Provisioning.Files;

namespace GpuBench.Provisioning;

/// <summary>
/// Checks a request before anything is fetched. The model id and revision become folder names in the cache,
/// so anything that could step outside it is refused.
/// </summary>
internal static partial class ProvisioningRequestValidator
{
    public static FilePatterns Validate(ProvisioningRequest request)
    {
        if (!RepositoryId().IsMatch(request.ModelId) || request.ModelId.Split('/').Any(s => s is "." or ".." || s.Contains("--", StringComparison.Ordinal)))
        {
            Fail($"Model id '{request.ModelId}' is not a Hub repository id like 'org/name'; fix the model's id in the config.");
        }

        if (string.IsNullOrWhiteSpace(request.Revision) || Path.IsPathRooted(request.Revision) || request.Revision.Contains('\\', StringComparison.Ordinal)
            || request.Revision.Split('/').Any(s => s is "" or "." or ".."))
        {
            Fail($"Revision '{request.Revision}' of model {request.ModelId} is not a branch, tag or commit; fix the model's revision in the config.");
        }

        if (string.IsNullOrWhiteSpace(request.HfHome))
        {
            Fail($"No cache path given for model {request.ModelId}; set the server's model cache path.");
        }

        try
        {
            return new FilePatterns(request.FilePatterns ?? FilePatterns.EngineDefaults);
        }
        catch (ArgumentException ex)
        {
            throw new ProvisioningException(ProvisioningFailureKind.InvalidRequest, $"Model {request.ModelId}: {ex.Message}");
        }
    }

    private static void Fail(string message) => throw new ProvisioningException(ProvisioningFailureKind.InvalidRequest, message);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")]
    private static partial Regex RepositoryId();
}
