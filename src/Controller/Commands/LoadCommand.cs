using System.ComponentModel;
using System.Globalization;
using GpuBench.Core.Metrics;
using GpuBench.Core.Runtime;
using GpuBench.LoadGen.Dataset;
using GpuBench.LoadGen.Http;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Output;
using GpuBench.LoadGen.Running;
using GpuBench.LoadGen.Telemetry;
using GpuBench.ServiceDefaults;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Spectre.Console;
using Spectre.Console.Cli;

namespace GpuBench.Controller.Commands;

/// <summary>
/// <c>gpubench load</c>: drives any OpenAI-compatible endpoint the way <c>vllm bench serve</c> does, with the same
/// flag names, and prints the same result block plus GpuBench's own figures.
/// </summary>
public sealed class LoadCommand(IAnsiConsole console) : AsyncCommand<LoadCommand.Settings>
{
    public sealed class Settings : DatasetSettings
    {
        [CommandOption("--base-url <URL>")]
        [Description("Server root, e.g. http://127.0.0.1:8000 (not /v1).")]
        public string BaseUrl { get; init; } = "http://127.0.0.1:8000";

        [CommandOption("--endpoint <PATH>")]
        [Description("Completion endpoint. Default: /v1/chat/completions for openai-chat, /v1/completions for openai.")]
        public string? Endpoint { get; init; }

        [CommandOption("--backend <BACKEND>")]
        [Description("openai-chat or openai (completions). Default: openai, as vLLM.")]
        public string Backend { get; init; } = "openai";

        [CommandOption("--model <NAME>")]
        [Description("Served model name. Default: the first model of GET /v1/models.")]
        public string? Model { get; init; }

        [CommandOption("--random-input-len <TOKENS>")]
        public int RandomInputLen { get; init; } = 1024;

        [CommandOption("--random-output-len <TOKENS>")]
        public int RandomOutputLen { get; init; } = 128;

        [CommandOption("--random-range-ratio <RATIO>")]
        [Description("Lengths drawn uniformly within ±ratio of the given ones; at least 0 and below 1.")]
        public double RandomRangeRatio { get; init; }

        [CommandOption("--random-prefix-len <TOKENS>")]
        [Description("Tokens of a prefix shared by every prompt.")]
        public int RandomPrefixLen { get; init; }

        [CommandOption("--num-prompts <N>")]
        public int NumPrompts { get; init; } = 1000;

        [CommandOption("--max-concurrency <N>")]
        [Description("Client-side limit of requests in flight. Default: none.")]
        public int? MaxConcurrency { get; init; }

        [CommandOption("--request-rate <RPS>")]
        [Description("Requests per second, or inf to release every request at once.")]
        public string RequestRate { get; init; } = "inf";

        [CommandOption("--burstiness <B>")]
        [Description("Gamma shape of inter-arrival gaps; 1 = Poisson.")]
        public double Burstiness { get; init; } = 1.0;

        [CommandOption("--seed <N>")]
        public int Seed { get; init; }

        [CommandOption("--ignore-eos")]
        [Description("Ask the server to ignore end-of-sequence (the default for the random dataset).")]
        public bool IgnoreEos { get; init; }

        [CommandOption("--no-ignore-eos")]
        [Description("Let the model stop early.")]
        public bool NoIgnoreEos { get; init; }

        [CommandOption("--num-warmups <N>")]
        public int NumWarmups { get; init; }

        [CommandOption("--percentile-metrics <LIST>")]
        [Description("Latency sections to print: any of ttft,tpot,itl,e2el.")]
        public string PercentileMetrics { get; init; } = "ttft,tpot,itl";

        [CommandOption("--metric-percentiles <LIST>")]
        public string MetricPercentiles { get; init; } = "99";

        [CommandOption("--goodput <KEY:MS>")]
        [Description("SLOs for goodput, e.g. --goodput ttft:500 --goodput tpot:50 (keys ttft, tpot, e2el).")]
        public string[] Goodput { get; init; } = [];

        [CommandOption("--request-timeout <SECONDS>")]
        [Description("A request still running after this long fails as a timeout.")]
        public double? RequestTimeout { get; init; }

        [CommandOption("--run-timeout <SECONDS>")]
        [Description("The timed window ends after this long; requests still running fail as timeouts.")]
        public double? RunTimeout { get; init; }

        [CommandOption("--disable-continuous-usage-stats")]
        [Description("Do not ask for usage in every chunk (per-token ITL then assumes one token per chunk).")]
        public bool DisableContinuousUsageStats { get; init; }

        [CommandOption("--save-result")]
        [Description("Write the JSON result, the text block and per-request JSONL.")]
        public bool SaveResult { get; init; }

        [CommandOption("--save-detailed")]
        [Description("Also write per-request lists in the JSON: input_lens, output_lens, ttfts, itls, start_times, generated_texts, errors.")]
        public bool SaveDetailed { get; init; }

        [CommandOption("--label <LABEL>")]
        [Description("Label of the run: written as \"label\" and used as the result file's prefix instead of the backend.")]
        public string? Label { get; init; }

        [CommandOption("--metadata <KEY=VALUE>")]
        [Description("Extra fields for the JSON result, e.g. --metadata gpu=h200 --metadata tp=2.")]
        public string[] Metadata { get; init; } = [];

        [CommandOption("--trace-sampling-ratio <RATIO>")]
        [Description("Share of requests traced when OTEL_EXPORTER_OTLP_ENDPOINT is set, decided at each request's root span (parent-based). Default: 0.1.")]
        public double TraceSamplingRatio { get; init; } = TraceSampling.DefaultRatio;

        [CommandOption("--result-dir <DIR>")]
        public string ResultDir { get; init; } = ".";

        [CommandOption("--result-filename <FILE>")]
        public string? ResultFilename { get; init; }

        [CommandOption("--disable-tqdm")]
        [Description("No live progress bar.")]
        public bool DisableProgress { get; init; }

        public IReadOnlyList<string> SelectedMetrics =>
            PercentileMetrics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public override ValidationResult Validate()
        {
            try
            {
                var errors = ToLoadOptions().Validate().ToList();

                if (TraceSamplingRatio is < 0 or > 1)
                {
                    errors.Add($"--trace-sampling-ratio {TraceSamplingRatio.ToString(CultureInfo.InvariantCulture)}: give a ratio in [0, 1].");
                }

                if (Metadata.FirstOrDefault(m => m.IndexOf('=', StringComparison.Ordinal) <= 0) is { } bad)
                {
                    errors.Add($"--metadata {bad}: use KEY=VALUE.");
                }

                var unknown = SelectedMetrics.Except(BenchmarkTextBlock.AllMetrics).ToArray();
                if (unknown.Length > 0)
                {
                    errors.Add($"--percentile-metrics: unknown {string.Join(", ", unknown)}; use any of ttft,tpot,itl,e2el.");
                }

                return errors.Count == 0 ? ValidationResult.Success() : ValidationResult.Error(string.Join(Environment.NewLine, errors));
            }
            catch (FormatException e)
            {
                return ValidationResult.Error(e.Message);
            }
        }

        /// <summary>What --label, --metadata and --save-detailed ask of the JSON result.</summary>
        public ResultFiles.SaveSettings ToSaveSettings() => new(
            Label,
            Metadata.Select(m => m.Split('=', 2)).ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim(), StringComparer.Ordinal),
            SaveDetailed);

        /// <summary>The run these flags describe; throws <see cref="FormatException"/> naming the bad flag.</summary>
        public LoadOptions ToLoadOptions()
        {
            var backend = Backend switch
            {
                "openai-chat" => LoadGen.Options.Backend.OpenAIChat,
                "openai" => LoadGen.Options.Backend.OpenAI,
                _ => throw new FormatException($"--backend {Backend}: use openai-chat or openai."),
            };
            if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var baseUrl))
            {
                throw new FormatException($"--base-url {BaseUrl}: not an absolute URL (example: http://127.0.0.1:8000).");
            }

            var rate = RequestRate.Equals("inf", StringComparison.OrdinalIgnoreCase)
                ? double.PositiveInfinity
                : double.TryParse(RequestRate, NumberStyles.Float, CultureInfo.InvariantCulture, out var r)
                    ? r
                    : throw new FormatException($"--request-rate {RequestRate}: give requests per second or inf.");

            return new LoadOptions
            {
                BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/"),
                Backend = backend,
                Endpoint = Endpoint ?? (backend == LoadGen.Options.Backend.OpenAIChat ? "/v1/chat/completions" : "/v1/completions"),
                Model = Model,
                ApiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } key ? key : null,
                Dataset = ToDatasetOptions(),
                RandomInputLen = RandomInputLen,
                RandomOutputLen = RandomOutputLen,
                RandomRangeRatio = RandomRangeRatio,
                RandomPrefixLen = RandomPrefixLen,
                NumPrompts = NumPrompts,
                MaxConcurrency = MaxConcurrency,
                RequestRate = rate,
                Burstiness = Burstiness,
                Seed = Seed,
                IgnoreEos = !NoIgnoreEos,
                NumWarmups = NumWarmups,
                ContinuousUsageStats = !DisableContinuousUsageStats,
                KeepGeneratedText = SaveResult && SaveDetailed,
                RequestTimeout = RequestTimeout is { } t ? TimeSpan.FromSeconds(t) : null,
                RunTimeout = RunTimeout is { } run ? TimeSpan.FromSeconds(run) : null,
                Metrics = new MetricsOptions
                {
                    Percentiles = MetricsOptions.ParsePercentiles(MetricPercentiles),
                    Goodput = Goodput.Length > 0 ? GoodputSlo.Parse(Goodput) : null,
                },
            };
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Before the first socket of the process: the runtime reads this once, when it creates its socket engines.
        InlineSocketCompletions.Enable();
        var options = settings.ToLoadOptions();
        options = options with { EngineMetricsUrls = [new Uri(options.BaseUrl, "metrics")] };
        using var telemetry = new LoadGenTelemetry();
        using var exporters = OtlpExport.StartIfConfigured(settings.TraceSamplingRatio);
        using var http = LoadHttpClient.Create();
        var runner = new LoadRunner(http, telemetry);

        console.WriteLine($"Traffic request rate: {(double.IsPositiveInfinity(options.RequestRate) ? "inf" : options.RequestRate.ToString(CultureInfo.InvariantCulture))}");
        console.WriteLine($"Burstiness factor: {options.Burstiness.ToString(CultureInfo.InvariantCulture)} ({(options.Burstiness == 1 ? "Poisson process" : "Gamma distribution")})");
        console.WriteLine($"Maximum request concurrency: {options.MaxConcurrency?.ToString(CultureInfo.InvariantCulture) ?? "None"}");

        LoadResult result;
        try
        {
            result = settings.DisableProgress || !console.Profile.Capabilities.Interactive
                ? await runner.RunAsync(options, null, cancellationToken).ConfigureAwait(false)
                : await RunWithProgressAsync(runner, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TokenizerUnavailableException or DatasetFileException or ArgumentException or InvalidOperationException
            or HttpRequestException)
        {
            console.MarkupLineInterpolated($"[red]gpubench load:[/] {e.Message}");
            return 2;
        }

        console.Write(BenchmarkTextBlock.Format(result.Metrics, settings.SelectedMetrics));
        WriteOwnFigures(result.Metrics);

        if (settings.SaveResult)
        {
            var now = TimeProvider.System.GetLocalNow();
            var fileName = settings.ResultFilename ?? ResultFiles.DefaultFileName(result, now, settings.Label);
            var written = await ResultFiles.WriteAsync(
                result, settings.ResultDir, fileName, settings.SelectedMetrics, settings.ToSaveSettings(), now, cancellationToken).ConfigureAwait(false);
            console.MarkupLineInterpolated($"Wrote {written.Json}, {written.Text} and {written.Requests}.");
        }

        return result.Metrics.Completed > 0 ? 0 : 1;
    }

    private async Task<LoadResult> RunWithProgressAsync(LoadRunner runner, LoadOptions options, CancellationToken cancellationToken)
    {
        var latest = new LatestProgress();
        return await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var bar = ctx.AddTask("preparing", maxValue: options.NumPrompts);
                var run = runner.RunAsync(options, latest, cancellationToken);
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(250, cancellationToken)).ConfigureAwait(false);
                    var p = latest.Value;
                    bar.Description = p.Phase == "run"
                        ? $"{p.Completed} ok, {p.Failed} failed, {p.InFlight} in flight, {p.OutputTokens:N0} tokens"
                        : p.Phase;
                    bar.Value = p.Phase == "run" ? p.Completed + p.Failed : 0;
                }

                bar.Value = options.NumPrompts;
                return await run.ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    private void WriteOwnFigures(ServingMetrics metrics)
    {
        if (metrics.GpuBench is not { } ours)
        {
            return;
        }

        string Stat(LatencyStats s) => $"mean {s.Mean:0.00}, median {s.Median:0.00}, " +
            string.Join(", ", s.Percentiles.Select(p => $"p{p.Word} {p.Value:0.00}"));

        console.WriteLine("--------------- GpuBench (not vLLM) ---------------");
        foreach (var line in DatasetLines.Dataset(ours))
        {
            console.WriteLine(line);
        }

        console.WriteLine($"Per-token ITL (ms){(ours.ChunkTokensReported ? "" : ", 1 token/chunk assumed")}: {Stat(ours.PerTokenItl)}");
        console.WriteLine($"Peak output tokens/s (token-weighted): {ours.PeakOutputTokensPerSTokenWeighted:0.00}");
        console.WriteLine($"Client queue time (ms): {Stat(ours.ClientQueueTime)}");
        console.WriteLine($"Client send lag (ms): {Stat(ours.SendLag)}");
        if (ours.ClientCpuS is { } cpu)
        {
            console.WriteLine($"Client CPU: {cpu:0.00} s, {ours.ClientCpuMsPer1000Chunks:0.00} ms per 1,000 chunks");
        }

        if (ours.ClientGcCollections is { } collections)
        {
            console.WriteLine($"Client GC during the run: {collections} collections, {ours.ClientGcPauseMs:0.0} ms paused");
        }

        foreach (var line in DatasetLines.CacheAndTurns(ours))
        {
            console.WriteLine(line);
        }

        foreach (var (kind, count) in ours.Failures)
        {
            console.MarkupLineInterpolated($"[red]Failed ({kind}):[/] {count}, e.g. {ours.FailureExamples.GetValueOrDefault(kind)}");
        }
    }

    /// <summary>Keeps the latest snapshot; the progress bar polls it, so request tasks never wait on the console.</summary>
    private sealed class LatestProgress : IProgress<LoadProgress>
    {
        private LoadProgress _value;
        private readonly Lock _gate = new();

        public LoadProgress Value
        {
            get
            {
                lock (_gate)
                {
                    return _value;
                }
            }
        }

        public void Report(LoadProgress value)
        {
            lock (_gate)
            {
                _value = value;
            }
        }
    }

    /// <summary>
    /// Exports the load generator's spans and metrics over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set. Spans are
    /// sampled as in a campaign: parent-based, the ratio deciding at each request's root span, so a trace is kept or
    /// dropped whole downstream (see <see cref="TraceSampling"/>).
    /// </summary>
    public sealed class OtlpExport(TracerProvider traces, MeterProvider metrics) : IDisposable
    {
        public static OtlpExport? StartIfConfigured(double samplingRatio) =>
            string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
                ? null
                : new OtlpExport(
                    Sdk.CreateTracerProviderBuilder().SetSampler(Sampler(samplingRatio)).AddSource(LoadGenTelemetry.SourceName).AddOtlpExporter().Build(),
                    Sdk.CreateMeterProviderBuilder().AddMeter(LoadGenTelemetry.MeterName).AddOtlpExporter().Build());

        public static Sampler Sampler(double samplingRatio) =>
            TraceSampling.Create(TraceSampling.ParentBasedRatio, samplingRatio.ToString("R", CultureInfo.InvariantCulture));

        public void Dispose()
        {
            traces.Dispose();
            metrics.Dispose();
        }
    }
}

/// <summary>Registers <c>gpubench load</c>.</summary>
public static class LoadCommandRegistration
{
    public static IConfigurator AddLoadCommand(this IConfigurator configurator)
    {
        configurator.AddCommand<LoadCommand>("load")
            .WithDescription("Drive an OpenAI-compatible endpoint like `vllm bench serve` and print the same result block.")
            .WithExample("load", "--base-url", "http://127.0.0.1:8000", "--backend", "openai-chat", "--num-prompts", "1200",
                "--max-concurrency", "400", "--random-input-len", "1000", "--random-output-len", "1000",
                "--percentile-metrics", "ttft,tpot,itl,e2el", "--save-result");
        return configurator;
    }
}
