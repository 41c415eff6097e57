using System.Text.Json;
using GpuBench.Agent.Hosting;
using GpuBench.Core.Config;
using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Http;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Running;
using GpuBench.LoadGen.Telemetry;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Runs;

/// <summary>
/// Runs a workload with GpuBench's load generator (src/LoadGen), on this box next to the gateway. Every request has
/// <see cref="AgentOptions.RequestTimeout"/>: a hung engine fails its requests as timeouts instead of holding the run.
/// </summary>
public sealed class LoadGenRunner(LoadGenTelemetry telemetry, IOptions<AgentOptions> agentOptions) : ILoadRunner
{
    public async Task<LoadOutcome> RunAsync(Uri baseUrl, string model, WorkloadSpec workload, IProgress<LoadCounters> progress, CancellationToken cancellationToken)
    {
        var options = ToLoadOptions(baseUrl, model, workload, agentOptions.Value.RequestTimeout);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Workload '{workload.Name}': {string.Join(" ", errors)}");
        }

        using var http = LoadHttpClient.Create();
        var runner = new LoadRunner(http, telemetry);
        var result = await runner.RunAsync(options,
            new Progress<LoadProgress>(p => progress.Report(new LoadCounters(p.Completed, p.Failed, p.Total, p.OutputTokens, p.Phase))),
            cancellationToken);
        return new LoadOutcome(
            JsonSerializer.Deserialize<JsonElement>(ResultJson.Serialize(result.Metrics)),
            BenchmarkTextBlock.Format(result.Metrics),
            result.Requests);
    }

    public static LoadOptions ToLoadOptions(Uri baseUrl, string model, WorkloadSpec workload, TimeSpan requestTimeout) => new()
    {
        RequestTimeout = requestTimeout,
        BaseUrl = baseUrl,
        Endpoint = workload.Endpoint,
        Backend = workload.Backend == WorkloadBackend.OpenAi ? Backend.OpenAI : Backend.OpenAIChat,
        Model = model,
        RandomInputLen = workload.InputLen,
        RandomOutputLen = workload.OutputLen,
        RandomRangeRatio = workload.RangeRatio,
        RandomPrefixLen = workload.PrefixLen,
        NumPrompts = workload.NumPrompts,
        MaxConcurrency = workload.MaxConcurrency,
        RequestRate = workload.RequestRate,
        Burstiness = workload.Burstiness,
        Seed = workload.Seed,
        IgnoreEos = workload.IgnoreEos,
        NumWarmups = workload.NumWarmups,
    };
}
