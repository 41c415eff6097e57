using System.Text.Json;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Hardware;
using GpuBench.Core.Metrics;
using GpuBench.Core.Planning;
using GpuBench.Core.Results;

namespace GpuBench.Reporting.Tests;

/// <summary>
/// Writes a campaign's SLO sweep the way a campaign leaves it, through Core's writers: per configuration and load
/// point a run folder (&lt;point&gt;/, or &lt;point&gt;/repeat-&lt;k&gt;/ with repeats) with result.json, the run record
/// naming its point and repeat, and requests.jsonl; and the workload folder's sweep.json.
/// </summary>
internal sealed class SloResults(string root)
{
    public const string Campaign = "campaign-1";
    public const string Workload = "chat";

    public static readonly SloSpec Slo = new() { TtftMs = 500, TpotMs = 50, Attainment = 0.95 };

    private const string Config = """
        results_dir: results
        prices: { rtx4090: 0.39, h100: 2.0, l40s: 0.8 }
        workloads:
          - name: chat
            input_len: 200
            output_len: 100
            num_prompts: 40
            max_concurrency: 8
        models:
          qwen3-coder-30b:
            id: QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ
            weights_gb: 17
        servers:
          - name: box-a
            local: true
            gpu: { type: rtx4090, count: 2 }
            models: [qwen3-coder-30b]
            engine: { kind: sim }
          - name: box-b
            local: true
            gpu: { type: h100, count: 1 }
            models: [qwen3-coder-30b]
            engine: { kind: sim }
          - name: box-c
            local: true
            gpu: { type: l40s, count: 1 }
            models: [qwen3-coder-30b]
            engine: { kind: sim }
        """;

    private static readonly RunPlan Plan = PlanOf();

    public string Root { get; } = root;

    public static PlannedRun Planned(string server) => Plan.Runs.Single(r => r.Server.Name == server);

    /// <summary>Writes one run of <paramref name="server"/> at <paramref name="load"/> (and its repeat, when the point has several).</summary>
    public async Task WriteRunAsync(
        string server, LoadPoint load, int? repeat, IReadOnlyList<RequestRecord> requests, double durationS,
        IReadOnlyList<TelemetrySummary>? gpuTelemetry = null)
    {
        var planned = Planned(server);
        var workload = load.ApplyTo(planned.Workload) with { Slo = Slo };
        var metrics = MetricsCalculator.Compute(requests, durationS, new MetricsOptions { Goodput = Slo.Bounds, MaxConcurrency = workload.MaxConcurrency });
        var folder = Path.Combine(WorkloadFolder(server), load.Name);
        if (repeat is { } k)
        {
            folder = Path.Combine(folder, $"repeat-{k}");
        }

        var requestsFile = Path.Combine(Root, $".requests-{Guid.NewGuid():N}.jsonl");
        await using (var lines = File.Create(requestsFile))
        {
            await ResultJson.WriteLinesAsync(lines, requests, TestContext.Current.CancellationToken);
        }

        using var benchmark = JsonDocument.Parse(ResultJson.Serialize(metrics));
        await new RunFolder(folder).WriteAsync(
            new RunArtifacts
            {
                Record = RunRecord.Planned(Campaign, planned, DateTimeOffset.UnixEpoch) with
                {
                    WorkloadParameters = workload,
                    SweepPoint = load.Name,
                    Repeat = repeat,
                    State = RunRecord.Succeeded,
                    GpuTelemetry = gpuTelemetry ?? [],
                },
                Benchmark = benchmark.RootElement.Clone(),
                BenchmarkText = BenchmarkTextBlock.Format(metrics),
                RequestsFile = requestsFile,
                ConfigSlice = "# slice\n",
            },
            TestContext.Current.CancellationToken);
    }

    public async Task WriteSweepAsync(string server, bool search, string stopReason, IReadOnlyList<SweepPointRecord> points)
    {
        var planned = Planned(server);
        var record = new SweepRecord
        {
            Campaign = Campaign,
            Server = server,
            Model = planned.Model.Name,
            Workload = Workload,
            Layout = planned.Layout.ToString(),
            LoadKind = LoadKind.MaxConcurrency,
            Search = search,
            Slo = Slo,
            Points = points,
            StopReason = stopReason,
        };
        await File.WriteAllTextAsync(Path.Combine(WorkloadFolder(server), SweepRecord.File), record.Serialize(), TestContext.Current.CancellationToken);
    }

    public string WorkloadFolder(string server) => Path.Combine(Root, Campaign, Planned(server).RelativePath);

    /// <summary>
    /// <paramref name="count"/> requests of 200 prompt tokens, each with the TTFT and inter-token gap given; output
    /// lengths alternate between <paramref name="outputTokens"/> ± <paramref name="spread"/>.
    /// </summary>
    public static List<RequestRecord> Requests(int count, double ttftS, double itlS, int outputTokens = 100, int spread = 0) =>
    [
        .. Enumerable.Range(0, count).Select(i =>
        {
            var output = outputTokens + (i % 2 == 0 ? -spread : spread);
            return new RequestRecord
            {
                Index = i,
                StartS = i * 0.05,
                TtftS = ttftS,
                ItlS = [.. Enumerable.Repeat(itlS, output - 1)],
                E2elS = ttftS + itlS * (output - 1),
                PromptTokens = 200,
                OutputTokens = output,
                Success = true,
            };
        }),
    ];

    private static RunPlan PlanOf()
    {
        var loaded = ConfigLoader.Parse(Config, "config.yml", Path.GetTempPath());
        return new RunPlanner(GpuCatalog.Default).Plan(loaded.Config ?? throw new InvalidOperationException(string.Join("; ", loaded.Diagnostics)));
    }
}
