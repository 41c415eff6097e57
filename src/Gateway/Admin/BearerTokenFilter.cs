using System.Security.Cryptography;
using System.Text;
using GpuBench.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace GpuBench.Gateway.Admin;

/// <summary>Lets an admin call through only with "Authorization: Bearer &lt;Gateway:Admin:Token&gt;".</summary>
public sealed partial class BearerTokenFilter(IOptions<GatewayOptions> options, ILogger<BearerTokenFilter> logger) : IEndpointFilter
{
    // Hashing both sides gives equal lengths, so the fixed-time comparison leaks neither content nor length.
    private readonly byte[]? _expectedHash = string.IsNullOrEmpty(options.Value.Admin.Token)
        ? null
        : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Admin.Token));

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var refusal = Check(http.Request.Headers.Authorization.ToString());
        if (refusal is not null)
        {
            LogRefused(logger, http.Request.Method, http.Request.Path, http.Connection.RemoteIpAddress?.ToString(), refusal);
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Unauthorized();
        }

        return await next(context);
    }

    private string? Check(string authorization)
    {
        if (_expectedHash is null)
        {
            return "no admin token is configured (set Gateway__Admin__Token)";
        }

        const string scheme = "Bearer ";
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return "missing bearer token";
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, _expectedHash) ? null : "wrong bearer token";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin request {Method} {Path} from {Remote} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string? remote, string reason);
}
