using GpuBench.Agent.Api;
using GpuBench.Agent.Deployments;
using GpuBench.Agent.Inventory;
using GpuBench.Agent.Processes;
using GpuBench.Agent.Runs;
using GpuBench.Agent.Runtimes;
using GpuBench.Agent.Runtimes.Docker;
using GpuBench.Agent.Runtimes.Process;
using GpuBench.Agent.Telemetry;
using GpuBench.Core.Contracts;
using GpuBench.Core.Hardware;
using GpuBench.LoadGen.Telemetry;
using GpuBench.Provisioning;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Hosting;

public static class AgentExtensions
{
    /// <summary>The agent listens here unless told otherwise (--urls, ASPNETCORE_URLS): loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5180";

    public static WebApplicationBuilder AddAgent(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var services = builder.Services;
        services.AddOptions<AgentOptions>().Bind(builder.Configuration.GetSection(AgentOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(GpuCatalog.Default);
        services.AddSingleton<ICommandRunner>(sp => new CommandRunner(sp.GetRequiredService<IOptions<AgentOptions>>().Value.CommandTimeout));
        services.AddSingleton<GpuInventoryProvider>();
        services.AddSingleton<ChildReaper>();
        services.AddSingleton<SystemInfoCollector>();

        services.AddSingleton<DockerRuntime>();
        services.AddSingleton<IContainerEngineInfo>(sp => sp.GetRequiredService<DockerRuntime>());
        services.AddSingleton<IEngineRuntime>(sp => sp.GetRequiredService<DockerRuntime>());
        services.AddSingleton<IEngineRuntime, ProcessRuntime>();

        // Probes and scrapes are quick local calls that must not be retried for minutes by the default resilience
        // handler: each has its own short timeout and the caller polls again.
        foreach (var name in new[] { ReadinessProbe.HttpClientName, TelemetrySampler.HttpClientName })
        {
#pragma warning disable EXTEXP0001 // Experimental, but the supported way to undo ConfigureHttpClientDefaults for one client.
            services.AddHttpClient(name, c => c.Timeout = TimeSpan.FromSeconds(5)).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        }

        services.AddSingleton<ReadinessProbe>();
        services.AddModelProvisioning();
        services.AddSingleton<ModelCacheProvisioner>();
        services.AddSingleton<DeploymentManager>();
        services.AddHostedService(sp => sp.GetRequiredService<DeploymentManager>());

        services.AddSingleton<ChildTelemetry>();
        services.AddSingleton<AgentMetrics>();
        services.AddSingleton<TelemetrySampler>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(AgentMetrics.MeterName));

        services.AddSingleton(sp => new LoadGenTelemetry(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<ILoadRunner, LoadGenRunner>();
        services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddMeter(LoadGenTelemetry.MeterName))
            .WithTracing(tracing => tracing.AddSource(LoadGenTelemetry.SourceName));
        services.AddSingleton<RunStore>();
        services.AddSingleton<GpuBench.Agent.Datasets.DatasetStore>();
        services.AddSingleton<RunManager>();
        // Registered after the deployment manager, so it stops first: runs end before their deployments go.
        services.AddHostedService(sp => sp.GetRequiredService<RunManager>());
        services.AddSingleton<ControllerLease>();
        services.AddHostedService(sp => sp.GetRequiredService<ControllerLease>());
        services.AddSingleton<AgentToken>();
        services.ConfigureHttpJsonOptions(json => ContractJson.Configure(json.SerializerOptions));
        return builder;
    }

    public static WebApplication MapAgentApi(this WebApplication app)
    {
        app.MapHostApi();
        app.MapDeploymentsApi();
        app.MapRunsApi();
        app.MapLeaseApi();
        app.MapDatasetsApi();
        return app;
    }
}
