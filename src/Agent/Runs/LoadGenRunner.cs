using System.Text.Json;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Datasets;
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
public sealed class LoadGenRunner(LoadGenTelemetry telemetry, IOptions<AgentOptions> agentOptions, DatasetStore datasets) : ILoadRunner
{
    public async Task<LoadOutcome> RunAsync(
        Uri baseUrl, string model, WorkloadSpec workload, IReadOnlyList<Uri> engineMetrics, IProgress<LoadCounters> progress, CancellationToken cancellationToken)
    {
        var options = ToLoadOptions(baseUrl, model, workload, agentOptions.Value.RequestTimeout, DatasetPath(workload)) with { EngineMetricsUrls = engineMetrics };
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

    /// <summary>
    /// Where the workload's dataset file is on this box: the shipped copy of its hash (the controller ships it before
    /// the run), else the path as given (an agent on the controller's own machine, or a test).
    /// </summary>
    private string? DatasetPath(WorkloadSpec workload) => workload.Dataset switch
    {
        null or { ReadsFile: false } => null,
        { Sha256: { } sha } => datasets.Find(sha) ?? throw new ArgumentException(
            $"Workload '{workload.Name}': dataset {sha} was not shipped to this box (PUT /datasets/{sha} before the run)."),
        { Path: var path } => path,
    };

    public static LoadOptions ToLoadOptions(Uri baseUrl, string model, WorkloadSpec workload, TimeSpan? requestTimeout = null, string? datasetPath = null) => new()
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
        Dataset = workload.Dataset is { } d ? ToDatasetOptions(d, datasetPath ?? d.Path) : DatasetOptions.Default,
        // The workload's SLO judges every request as vLLM's --goodput does: result.json gets slo_attainment and goodput_req_s.
        Metrics = MetricsOptions.Default with { Goodput = workload.Slo?.Bounds },
    };

    /// <summary>The config's dataset as the load generator's options; unset flags keep vLLM's defaults.</summary>
    public static DatasetOptions ToDatasetOptions(DatasetSpec d, string? path)
    {
        ArgumentNullException.ThrowIfNull(d);
        var defaults = DatasetOptions.Default;
        return new DatasetOptions
        {
            Name = d.Name,
            Path = d.ReadsFile ? path : null,
            FileName = d.Path is null ? null : Path.GetFileName(d.Path),
            SharegptOutputLen = d.SharegptOutputLen,
            CustomOutputLen = d.CustomOutputLen ?? defaults.CustomOutputLen,
            CustomSkipChatTemplate = d.CustomSkipChatTemplate,
            SonnetInputLen = d.SonnetInputLen ?? defaults.SonnetInputLen,
            SonnetOutputLen = d.SonnetOutputLen ?? defaults.SonnetOutputLen,
            SonnetPrefixLen = d.SonnetPrefixLen ?? defaults.SonnetPrefixLen,
            PrefixRepetitionPrefixLen = d.PrefixRepetitionPrefixLen ?? defaults.PrefixRepetitionPrefixLen,
            PrefixRepetitionSuffixLen = d.PrefixRepetitionSuffixLen ?? defaults.PrefixRepetitionSuffixLen,
            PrefixRepetitionNumPrefixes = d.PrefixRepetitionNumPrefixes ?? defaults.PrefixRepetitionNumPrefixes,
            PrefixRepetitionOutputLen = d.PrefixRepetitionOutputLen ?? defaults.PrefixRepetitionOutputLen,
            TraceTimeScale = d.TraceTimeScale ?? defaults.TraceTimeScale,
            DisableShuffle = d.DisableShuffle,
            NoOversample = d.NoOversample,
            MultiTurn = d.MultiTurn,
            ThinkTime = d.ThinkTime ?? defaults.ThinkTime,
        };
    }
}
