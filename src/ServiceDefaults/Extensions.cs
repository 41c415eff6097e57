using GpuBench.Core.Tracing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GpuBench.ServiceDefaults;

/// <summary>
/// What every GpuBench service shares, in the Aspire pattern: OpenTelemetry, health endpoints,
/// service discovery and HTTP client defaults.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Short control-plane calls get retries and timeouts. Inference streams opt out:
            // see StreamingHttpClient.
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(Telemetry.MeterName, Telemetry.AllGpuBench))
            .WithTracing(tracing => tracing
                .SetSampler(TraceSampling.FromConfiguration(builder.Configuration))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(Telemetry.ActivitySourceName, Telemetry.AllGpuBench, Telemetry.YarpActivitySourceName)
                .AddAspNetCoreInstrumentation(options => options.Filter = IsTraced)
                .AddHttpClientInstrumentation(options => options.FilterHttpRequestMessage = IsTraced));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps /health (every check) and /alive (liveness only) in every environment: agents on GPU boxes run
    /// as Production and are still probed by the controller. Both report status only, no details.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
        });
        return app;
    }

    /// <summary>The path Prometheus-style metrics are scraped from (vLLM's /metrics, sampled every second by the agent).</summary>
    public const string MetricsScrapePath = "/metrics";

    /// <summary>
    /// Whether a request to this service starts or joins a trace: not probes, scrapes, and not requests marked
    /// <see cref="UntracedRequests"/> (status polls every second would bury the benchmark's requests in the trace view).
    /// </summary>
    public static bool IsTraced(Microsoft.AspNetCore.Http.HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return !IsProbePath(context.Request.Path) && !context.Request.Headers.ContainsKey(UntracedRequests.Header);
    }

    /// <summary>Whether a request this service sends gets a client span: the same rule as <see cref="IsTraced(Microsoft.AspNetCore.Http.HttpContext)"/>, from the sender's side.</summary>
    public static bool IsTraced(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return !request.IsUntraced() && (request.RequestUri is not { } uri || !IsProbePath(uri.AbsolutePath));
    }

    /// <summary>Health probes and metric scrapes: one a second per process, noise in every trace view.</summary>
    private static bool IsProbePath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(HealthEndpointPath) || path.StartsWithSegments(AlivenessEndpointPath) || path.StartsWithSegments(MetricsScrapePath);
}
