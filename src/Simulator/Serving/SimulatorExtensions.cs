using GpuBench.Core.Hardware;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Profiles;
using GpuBench.Simulator.Api;
using GpuBench.Simulator.Cli;
using GpuBench.Simulator.Metrics;

namespace GpuBench.Simulator.Serving;

/// <summary>Wiring of the simulator: services from the parsed `vllm serve` options, endpoints, start-up log.</summary>
public static partial class SimulatorExtensions
{
    /// <summary>Applies --host/--port and --otlp-traces-endpoint before the service defaults read them.</summary>
    public static WebApplicationBuilder UseVllmCommandLine(this WebApplicationBuilder builder, SimulatorOptions options)
    {
        builder.WebHost.UseUrls($"http://{(options.Host is "0.0.0.0" or "" ? "*" : options.Host)}:{options.Port}");
        if (options.OtlpTracesEndpoint is { } endpoint)
        {
            builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;
        }

        return builder;
    }

    public static IServiceCollection AddSimulator(this IServiceCollection services, SimulatorOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ServedModel(options, GpuCatalog.Default, ModelCatalog.Default));
        services.AddSingleton<IReadOnlyList<EngineCore>>(sp =>
        {
            var model = sp.GetRequiredService<ServedModel>();
            return Enumerable.Range(0, model.Options.DataParallel).Select(_ => new EngineCore(model.Replica)).ToArray();
        });
        services.AddSingleton<RealTimeEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<RealTimeEngine>());
        services.AddSingleton<VllmMetrics>();
        services.AddSingleton<EmissionStats>();
        if (options.GroundTruthLog is { } path)
        {
            services.AddSingleton(_ => new GroundTruthLog(path));
        }

        services.AddSingleton(sp => new CompletionServices(
            sp.GetRequiredService<ServedModel>(),
            sp.GetRequiredService<RealTimeEngine>(),
            sp.GetRequiredService<EmissionStats>(),
            sp.GetService<GroundTruthLog>()));
        return services;
    }

    public static WebApplication MapSimulator(this WebApplication app)
    {
        var model = app.Services.GetRequiredService<ServedModel>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GpuBench.Simulator");
        foreach (var warning in model.Options.Warnings)
        {
            LogWarning(logger, warning);
        }

        if (!model.ProfileIsExact)
        {
            LogWarning(logger, $"No profile for model '{model.Options.Model}': simulating it with {model.Profile.Id}'s figures. Add one to src/Simulation/Profiles/models.yml.");
        }

        LogStarting(logger, model.Name, model.Gpu.Name, model.Settings.TensorParallel, model.Settings.PipelineParallel, model.Replica.KvCapacityTokens, model.Settings.MaxNumSeqs, model.Settings.MaxNumBatchedTokens);
        app.Services.GetRequiredService<VllmMetrics>();
        app.MapCompletionsApi();
        app.MapServerApi();
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating vLLM serving {Model} on {Gpu} (tp {Tp}, pp {Pp}): KV cache {KvTokens} tokens, max_num_seqs {MaxSeqs}, max_num_batched_tokens {MaxBatched}")]
    private static partial void LogStarting(ILogger logger, string model, string gpu, int tp, int pp, long kvTokens, int maxSeqs, int maxBatched);
}
