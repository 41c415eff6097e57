using System.Security.Cryptography;
using System.Text;
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
            Directory.CreateDirectory(options.Value.DataDirectory);
            var path = Path.Combine(options.Value.DataDirectory, "agent-token");
            File.WriteAllText(path, token);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            logger.LogWarning("Agent:Token is not set; generated one, readable by this user only, in {Path}", path);
        }

        _expected = Encoding.UTF8.GetBytes(token);
    }

    public bool Matches(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Constant time, so the token cannot be guessed byte by byte from response times.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()), _expected);
    }
}

/// <summary>Refuses (401) and logs every call on a route group without the agent's bearer token.</summary>
public sealed class BearerTokenFilter(AgentToken token, ILogger<BearerTokenFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (token.Matches(http.Request.Headers.Authorization))
        {
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
