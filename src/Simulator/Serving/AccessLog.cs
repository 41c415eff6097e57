using Microsoft.AspNetCore.WebUtilities;

namespace GpuBench.Simulator.Serving;

/// <summary>
/// uvicorn's access line, the one line vLLM's API server writes per request by default
/// (`127.0.0.1:40312 - "POST /v1/completions HTTP/1.1" 200 OK`), written when the response starts, as uvicorn
/// writes it. ASP.NET Core's own per-request lines are filtered out (<see cref="SimulatorExtensions"/>).
/// </summary>
public sealed partial class AccessLog
{
    public const string Category = "uvicorn.access";

    private readonly ILogger _logger;
    private readonly Func<object, Task> _onStarting;

    public AccessLog(ILoggerFactory loggers)
    {
        _logger = loggers.CreateLogger(Category);
        _onStarting = Write;
    }

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(_onStarting, context);
        return next(context);
    }

    private Task Write(object state)
    {
        var context = (HttpContext)state;
        var request = context.Request;
        var connection = context.Connection;
        var status = context.Response.StatusCode;
        LogAccess(_logger, connection.RemoteIpAddress?.ToString() ?? "-", connection.RemotePort, request.Method,
            request.Path.Value + request.QueryString.Value, request.Protocol, status, ReasonPhrases.GetReasonPhrase(status));
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Address}:{Port} - \"{Method} {Target} {Protocol}\" {Status} {Reason}")]
    private static partial void LogAccess(ILogger logger, string address, int port, string method, string target, string protocol, int status, string reason);
}
