using GpuBench.Core.Metrics;

namespace GpuBench.LoadGen.Options;

/// <summary>
/// One load run, with the meaning (and, in the CLI, the names) of <c>vllm bench serve</c>'s flags.
/// Defaults are vLLM's except <see cref="IgnoreEos"/>, on for the random dataset as src/Core/Metrics/README.md asks.
/// </summary>
public sealed record LoadOptions
{
    /// <summary>Server root, e.g. http://127.0.0.1:8000 (vLLM's <c>--base-url</c>).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>Path of the completion endpoint (vLLM's <c>--endpoint</c>).</summary>
    public string Endpoint { get; init; } = "/v1/chat/completions";

    public Backend Backend { get; init; } = Backend.OpenAIChat;

    /// <summary>Model name sent in requests; when null the server's first model from /v1/models is used.</summary>
    public string? Model { get; init; }

    /// <summary>Sent as a bearer token when set; never written to results or logs.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Which prompts to send (<c>--dataset-name</c>, <c>--dataset-path</c> and the dataset's flags).</summary>
    public DatasetOptions Dataset { get; init; } = DatasetOptions.Default;

    public int RandomInputLen { get; init; } = 1024;

    public int RandomOutputLen { get; init; } = 128;

    public double RandomRangeRatio { get; init; }

    public int RandomPrefixLen { get; init; }

    public int NumPrompts { get; init; } = 1000;

    /// <summary>Client-side limit of requests in flight; null for none.</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>Requests per second; +∞ releases every request at once.</summary>
    public double RequestRate { get; init; } = double.PositiveInfinity;

    /// <summary>Gamma shape of inter-arrival gaps; 1 is a Poisson process.</summary>
    public double Burstiness { get; init; } = 1.0;

    public int Seed { get; init; }

    public bool IgnoreEos { get; init; } = true;

    public int NumWarmups { get; init; }

    /// <summary>Asks the server for usage in every chunk (vLLM's continuous_usage_stats) to count tokens per chunk.</summary>
    public bool ContinuousUsageStats { get; init; } = true;

    /// <summary>
    /// Keep each response's text for the saved result's generated_texts (vLLM's <c>--save-detailed</c>). Off by default:
    /// the client then reads no text at all and handles a chunk without allocating.
    /// </summary>
    public bool KeepGeneratedText { get; init; }

    /// <summary>Each request fails as a timeout after this long; null for no limit.</summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>The whole timed window ends after this long; requests still running fail as timeouts.</summary>
    public TimeSpan? RunTimeout { get; init; }

    public MetricsOptions Metrics { get; init; } = MetricsOptions.Default;

    /// <summary>
    /// The engines' /metrics, read before and after the timed window for the prefix-cache hit rate (a campaign gives
    /// each replica's; <c>gpubench load</c> the server's own). Empty: not read.
    /// </summary>
    public IReadOnlyList<Uri> EngineMetricsUrls { get; init; } = [];

    /// <summary>Checks values vLLM would reject, naming the flag to change.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Require(BaseUrl.IsAbsoluteUri && (BaseUrl.Scheme == Uri.UriSchemeHttp || BaseUrl.Scheme == Uri.UriSchemeHttps),
            "--base-url must be an absolute http:// or https:// URL, e.g. http://127.0.0.1:8000.");
        Require(Endpoint.StartsWith('/'), "--endpoint must start with '/', e.g. /v1/chat/completions.");
        Require(NumPrompts > 0, "--num-prompts must be at least 1.");
        var random = Dataset.Name == DatasetOptions.Random;
        Require(!random || RandomInputLen > 0, "--random-input-len must be at least 1.");
        Require(!random || RandomOutputLen > 0, "--random-output-len must be at least 1.");
        Require(RandomPrefixLen >= 0, "--random-prefix-len cannot be negative.");
        Require(RandomRangeRatio is >= 0 and < 1, "--random-range-ratio must be in [0, 1).");
        Require(MaxConcurrency is null or > 0, "--max-concurrency must be at least 1 (leave it out for no limit).");
        Require(RequestRate > 0, "--request-rate must be positive, or inf.");
        Require(Burstiness > 0, "--burstiness must be positive (1 = Poisson arrivals).");
        Require(NumWarmups >= 0, "--num-warmups cannot be negative.");
        Require(RequestTimeout is null || RequestTimeout > TimeSpan.Zero, "--request-timeout must be positive.");
        Require(RunTimeout is null || RunTimeout > TimeSpan.Zero, "--run-timeout must be positive.");
        Require(!Dataset.MultiTurn || Backend == Backend.OpenAIChat,
            "--multi-turn sends each turn with its history as chat messages: use --backend openai-chat.");
        errors.AddRange(Dataset.Validate());
        return errors;
    }
}

/// <summary>Request format: vLLM's <c>--backend openai-chat</c> or <c>openai</c> (completions).</summary>
public enum Backend
{
    OpenAIChat,
    OpenAI,
}
