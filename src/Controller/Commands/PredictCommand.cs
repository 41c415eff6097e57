using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using GpuBench.Controller.Campaigns;
using GpuBench.Core.Config;
using GpuBench.Core.Hardware;
using GpuBench.Core.Metrics;
using GpuBench.Core.Planning;
using GpuBench.LoadGen.Dataset;
using GpuBench.LoadGen.Options;
using GpuBench.Simulation.Prediction;
using GpuBench.Simulation.Profiles;
using GpuBench.Simulation.Profiles.HuggingFace;
using GpuBench.Simulation.Validation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GpuBench.Controller.Commands;

/// <summary>
/// <c>gpubench predict</c>: what a GPU configuration would do with a model and a workload, from the simulator's
/// scheduler and performance model in virtual time, printed as the load generator's result block.
/// </summary>
public sealed class PredictCommand(IAnsiConsole console, GpuCatalog gpus, RunPlanner planner) : AsyncCommand<PredictCommand.Settings>
{
    /// <summary>Dataset flags as <c>gpubench load</c>'s: a dataset other than random predicts its requests' lengths, measured by the simulator's tokenizer.</summary>
    public sealed class Settings : DatasetSettings
    {
        [CommandOption("--gpu <TYPE>")]
        [Description("GPU type id from gpus.yml: rtx4090, rtx5090, pro6000, l40s, a100, h100, h200.")]
        public string? Gpu { get; init; }

        [CommandOption("--gpus <COUNT>")]
        [Description("GPUs on the box. Default 1.")]
        public int GpuCount { get; init; } = 1;

        [CommandOption("--model <ID>")]
        [Description("Model id: an id or alias of src/Simulation/Profiles/models.yml, or a model whose config.json is in the Hugging Face cache (HF_HOME).")]
        public string? Model { get; init; }

        [CommandOption("--model-config <PATH>")]
        [Description("The model's Hugging Face config.json (model.safetensors.index.json beside it gives the exact size).")]
        public string? ModelConfig { get; init; }

        [CommandOption("--replicas <N>")]
        public int? Replicas { get; init; }

        [CommandOption("--tp <N>")]
        public int? TensorParallel { get; init; }

        [CommandOption("--pp <N>")]
        public int? PipelineParallel { get; init; }

        [CommandOption("--random-input-len <TOKENS>")]
        public int InputLen { get; init; } = 1000;

        [CommandOption("--random-output-len <TOKENS>")]
        public int OutputLen { get; init; } = 1000;

        [CommandOption("--random-range-ratio <RATIO>")]
        public double RangeRatio { get; init; }

        [CommandOption("--num-prompts <N>")]
        public int NumPrompts { get; init; } = 1000;

        [CommandOption("--max-concurrency <N>")]
        public int? MaxConcurrency { get; init; }

        [CommandOption("--request-rate <RATE>")]
        [Description("Requests per second, or inf (default): all released at once.")]
        public string RequestRate { get; init; } = "inf";

        [CommandOption("--burstiness <FACTOR>")]
        public double Burstiness { get; init; } = 1;

        [CommandOption("--seed <N>")]
        public int Seed { get; init; }

        [CommandOption("--max-model-len <TOKENS>")]
        public int MaxModelLen { get; init; } = Core.Config.EngineSettings.DefaultMaxModelLen;

        [CommandOption("--kv-cache-dtype <DTYPE>")]
        public string KvCacheDtype { get; init; } = Core.Config.EngineSettings.DefaultKvCacheDtype;

        [CommandOption("--gpu-memory-utilization <FRACTION>")]
        public double GpuMemoryUtilization { get; init; } = Core.Config.EngineSettings.DefaultGpuMemoryUtilization;

        [CommandOption("--max-num-seqs <N>")]
        public int? MaxNumSeqs { get; init; }

        [CommandOption("--max-num-batched-tokens <N>")]
        public int? MaxNumBatchedTokens { get; init; }

        [CommandOption("--percentile-metrics <LIST>")]
        public string PercentileMetrics { get; init; } = "ttft,tpot,itl,e2el";

        [CommandOption("--metric-percentiles <LIST>")]
        public string MetricPercentiles { get; init; } = "99";

        [CommandOption("--calibration <CSV>")]
        [Description("Instead of one prediction: every row of a published-results CSV (tests/fixtures/seed-results.csv), simulated vs published.")]
        public string? Calibration { get; init; }

        public override ValidationResult Validate()
        {
            if (Calibration is not null)
            {
                return File.Exists(Calibration) ? ValidationResult.Success() : ValidationResult.Error($"--calibration: no file {Calibration}");
            }

            if (Gpu is null || Model is null)
            {
                return ValidationResult.Error("--gpu and --model are required, e.g. --gpu h200 --gpus 8 --model meta-llama/Llama-3.1-8B-Instruct");
            }

            if (RequestRate != "inf" && !double.TryParse(RequestRate, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return ValidationResult.Error($"--request-rate must be a number or inf, got '{RequestRate}'");
            }

            return GpuCount < 1 || NumPrompts < 1 || InputLen < 1 || OutputLen < 1
                ? ValidationResult.Error("--gpus, --num-prompts and the lengths must be at least 1")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        settings.Calibration is { } csv ? Calibrate(csv, cancellationToken) : await PredictAsync(settings, cancellationToken).ConfigureAwait(false);

    private int Calibrate(string csv, CancellationToken cancellationToken)
    {
        var results = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csv))!, "seed-results");
        var report = CalibrationReport.Run(PublishedResult.Load(csv, Directory.Exists(results) ? results : null), cancellationToken: cancellationToken);
        console.Profile.Width = Math.Max(console.Profile.Width, 240); // one table row per line, never wrapped
        console.WriteLine(report.ToTable());
        return 0;
    }

    private async Task<int> PredictAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (!gpus.TryGet(settings.Gpu!, out var gpu))
        {
            console.MarkupLineInterpolated($"[red]gpubench predict:[/] unknown GPU type '{settings.Gpu}'. Known: {string.Join(", ", gpus.Ids)}.");
            return 2;
        }

        ModelProfile model;
        try
        {
            model = ModelProfileResolver.Resolve(settings.Model!, settings.ModelConfig, ModelProfileResolver.DefaultHfHome());
        }
        catch (ModelConfigException e)
        {
            console.MarkupLineInterpolated($"[red]gpubench predict:[/] {e.Message}");
            return 2;
        }

        var engine = new Core.Config.EngineSettings
        {
            MaxModelLen = settings.MaxModelLen,
            KvCacheDtype = settings.KvCacheDtype,
            GpuMemoryUtilization = settings.GpuMemoryUtilization,
            MaxNumSeqs = settings.MaxNumSeqs,
        };
        var decision = planner.LayOut(
            new ServerSpec { Name = "predict", Gpu = new GpuSpec(gpu.Id, settings.GpuCount), Models = [model.Id], Workloads = [] },
            new ModelSpec
            {
                Name = model.Id,
                Id = model.Id,
                WeightsGb = model.WeightBytes / 1e9,
                Replicas = settings.Replicas,
                TensorParallel = settings.TensorParallel,
                PipelineParallel = settings.PipelineParallel,
            },
            engine);
        if (decision.Layout is not { } layout)
        {
            console.MarkupLineInterpolated($"[red]gpubench predict:[/] no layout: {decision.Reason}");
            return 1;
        }

        var options = LoadPredictor.Options(layout, engine) with { MaxNumBatchedTokens = settings.MaxNumBatchedTokens };
        var predictor = new Predictor(gpu, model, options, layout.Replicas);
        if (predictor.ReplicaModel.FitError is { } error)
        {
            console.MarkupLineInterpolated($"[red]gpubench predict:[/] {layout} does not start: {error}");
            return 1;
        }

        var rate = settings.RequestRate == "inf" ? double.PositiveInfinity : double.Parse(settings.RequestRate, CultureInfo.InvariantCulture);
        DatasetRequests? dataset;
        try
        {
            dataset = await DatasetRequestsAsync(settings, model, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DatasetFileException or ArgumentException)
        {
            console.MarkupLineInterpolated($"[red]gpubench predict:[/] {e.Message}");
            return 2;
        }

        var stopwatch = Stopwatch.StartNew();
        var prediction = predictor.Run(new PredictionWorkload
        {
            Requests = dataset?.Requests,
            ThinkTime = settings.ThinkTime,
            InputLen = settings.InputLen,
            OutputLen = settings.OutputLen,
            RangeRatio = settings.RangeRatio,
            NumPrompts = settings.NumPrompts,
            MaxConcurrency = settings.MaxConcurrency,
            RequestRate = rate,
            Burstiness = settings.Burstiness,
            Seed = settings.Seed,
        }, cancellationToken);
        var metrics = prediction.Metrics(new MetricsOptions
        {
            Percentiles = MetricsOptions.ParsePercentiles(settings.MetricPercentiles),
            MaxConcurrency = settings.MaxConcurrency,
            RequestRate = rate,
        });
        metrics = metrics with { GpuBench = metrics.GpuBench is { } ours ? ours with { Dataset = dataset?.Summary } : null };

        var replica = predictor.ReplicaModel;
        console.WriteLine($"SIMULATED (not measured): {model.Id} on {settings.GpuCount} × {gpu.Name}, layout {layout}");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Per replica: KV cache {replica.KvCapacityTokens} tokens, max_num_seqs {replica.Settings.MaxNumSeqs}, max_num_batched_tokens {replica.Settings.MaxNumBatchedTokens}; {prediction.Preemptions} preemptions; predicted in {stopwatch.Elapsed.TotalSeconds:F1} s"));
        console.Write(BenchmarkTextBlock.Format(metrics, settings.PercentileMetrics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        foreach (var line in metrics.GpuBench is { } figures ? DatasetLines.Dataset(figures).Concat(DatasetLines.CacheAndTurns(figures)) : [])
        {
            console.WriteLine(line);
        }

        return 0;
    }

    /// <summary>A dataset's requests as the load generator would build them, measured by the simulator's tokenizer; null for the random dataset.</summary>
    private static async Task<DatasetRequests?> DatasetRequestsAsync(Settings settings, ModelProfile model, CancellationToken cancellationToken)
    {
        var options = new LoadOptions
        {
            BaseUrl = new Uri("http://127.0.0.1/"), // never contacted: the simulator's tokenizer runs in process
            Dataset = settings.ToDatasetOptions(),
            NumPrompts = settings.NumPrompts,
            MaxConcurrency = settings.MaxConcurrency,
            Seed = settings.Seed,
        };
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }

        if (options.Dataset.Name == DatasetOptions.Random)
        {
            return null;
        }

        var samples = await DatasetSampler.BuildAsync(options, new SimulatorTextTokenizer(model.VocabSize), 1, cancellationToken).ConfigureAwait(false);
        return new DatasetRequests(
            [.. samples.Select(s => new PredictionRequest(s.PromptTokens, s.OutputTokens, s.Conversation, s.Turn, s.SendAtS))],
            DatasetSampler.Summarise(options, samples));
    }

    private sealed record DatasetRequests(IReadOnlyList<PredictionRequest> Requests, DatasetSummary Summary);
}
