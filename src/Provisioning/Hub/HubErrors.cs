using System.Net;

namespace GpuBench.Provisioning.Hub;

/// <summary>
/// Turns the Hub's error answers into failures that say what to do. The Hub names the missing thing in
/// X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo); 401 also stands for a private or
/// missing repository asked for without a token, so a 401 never claims to know which.
/// </summary>
internal static class HubErrors
{
    public const string TokenSetting = "secrets.hf_token_env";

    public static Exception FromResponse(HttpResponseMessage response, HubEndpoint endpoint, string repositoryId, string revision, bool sentToken)
    {
        var status = (int)response.StatusCode;
        var code = response.Headers.TryGetValues("X-Error-Code", out var values) ? values.FirstOrDefault() : null;
        var page = endpoint.RepositoryPage(repositoryId);
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                var why = code == "GatedRepo" ? "is gated" : "is gated or private (or does not exist)";
                var token = sentToken ? "the token sent has no access to it" : "no token was sent";
                return new ProvisioningException(
                    ProvisioningFailureKind.AccessDenied,
                    $"HTTP {status}: model {repositoryId} {why} and {token}: accept the licence at {page} " +
                    $"or set a token with access ({TokenSetting}).");
            case HttpStatusCode.NotFound when code == "RevisionNotFound":
                return new ProvisioningException(
                    ProvisioningFailureKind.RevisionNotFound,
                    $"HTTP 404: revision '{revision}' not found in model {repositoryId} ({page}); check the model's revision in the config.");
            case HttpStatusCode.NotFound when code == "EntryNotFound":
                return new ProvisioningException(
                    ProvisioningFailureKind.FileNotFound,
                    $"HTTP 404: a file listed for model {repositoryId} at '{revision}' is gone ({response.RequestMessage?.RequestUri?.AbsolutePath}).");
            case HttpStatusCode.NotFound:
                return new ProvisioningException(
                    ProvisioningFailureKind.RepositoryNotFound,
                    $"HTTP 404: model {repositoryId} not found at {endpoint}" +
                    (sentToken ? " (or it is private and the token has no access)" : "") +
                    "; check the model id in the config.");
            case HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError:
                return new TransientFailureException(
                    ProvisioningFailureKind.NetworkFailure,
                    $"HTTP {status} from {response.RequestMessage?.RequestUri?.Host}");
            default:
                return new ProvisioningException(
                    ProvisioningFailureKind.NetworkFailure,
                    $"HTTP {status} from {response.RequestMessage?.RequestUri?.Host} for model {repositoryId} at '{revision}'.");
        }
    }
}
