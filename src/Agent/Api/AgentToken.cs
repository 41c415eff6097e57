using System.Security.Cryptography;
using System.Text;
using GpuBench.Agent.Deployments;
using GpuBench.Agent.Hosting;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Api;

/// <summary>
/// The bearer token every API call must carry: the campaign's (Agent:Token) or, when none is configured, a random
/// one written to a file only the agent's user can read, so a local agent is never open.
/// </summary>
public sealed class AgentToken
{
    private readonly byte[] _expected;

    public AgentToken(IOptions<AgentOptions> options, ILogger<AgentToken> logger)
    {
        var token = options.Value.Token;
        if (string.IsNullOrEmpty(token))
        {
            token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            PrivateDirectory.Create(options.Value.DataDirectory);
            var path = Path.Combine(options.Value.DataDirectory, "agent-token");
            File.Delete(path);
            // Created 0600: never readable by others, not even for the moment between a write and a chmod.
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var file = new FileStream(path, create))
            {
                file.Write(Encoding.UTF8.GetBytes(token));
            }

            logger.LogWarning("Agent:Token is not set; generated one, readable by this user only, in {Path}", path);
        }

        _expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public bool Matches(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashes of equal length compared in constant time: response times tell neither a byte nor the length.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim())), _expected);
    }
}

/// <summary>Refuses (401) and logs every call on a route group without the agent's bearer token.</summary>
/// <summary>Each call that carries the token renews the controller's lease (<see cref="ControllerLease"/>).</summary>
public sealed class BearerTokenFilter(AgentToken token, ControllerLease lease, ILogger<BearerTokenFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (token.Matches(http.Request.Headers.Authorization))
        {
            lease.Renew();
            return await next(context);
        }

        // Log who and what, never the header itself: a near-miss token is still a secret.
        logger.LogWarning("Refused {Method} {Path} from {Remote}: {Reason}", http.Request.Method, http.Request.Path,
            http.Connection.RemoteIpAddress, http.Request.Headers.Authorization.Count == 0 ? "no bearer token" : "wrong bearer token");
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "A valid bearer token is required.");
    }
}

public static class BearerTokenExtensions
{
    public static RouteGroupBuilder RequireAgentToken(this RouteGroupBuilder group) => group.AddEndpointFilter<BearerTokenFilter>();
}
