using System.Text.Json.Serialization;

namespace GpuBench.Core.Config;

/// <summary>The API a workload's requests use, as `vllm bench serve --backend` names it.</summary>
public enum WorkloadBackend
{
    /// <summary>`openai-chat`: POST /v1/chat/completions.</summary>
    OpenAiChat,

    /// <summary>`openai`: POST /v1/completions.</summary>
    OpenAi,
}

/// <summary>
/// One load shape, with the meaning `vllm bench serve` gives each parameter. <see cref="InputLen"/>,
/// <see cref="OutputLen"/>, <see cref="RangeRatio"/> and <see cref="PrefixLen"/> shape the random dataset; a
/// <see cref="Dataset"/> replaces it.
/// </summary>
public sealed record WorkloadSpec
{
    public required string Name { get; init; }

    public required int InputLen { get; init; }

    public required int OutputLen { get; init; }

    public required int NumPrompts { get; init; }

    /// <summary>Most requests in flight at once; null means no limit (as in vLLM).</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>Requests per second; <see cref="double.PositiveInfinity"/> sends them all at once ("inf").</summary>
    public double RequestRate { get; init; } = double.PositiveInfinity;

    /// <summary>Gamma shape of the arrival process: 1 is Poisson, lower is burstier.</summary>
    public double Burstiness { get; init; } = 1.0;

    /// <summary>Lengths vary uniformly in [len·(1−r), len·(1+r)].</summary>
    public double RangeRatio { get; init; }

    /// <summary>Tokens of a prefix shared by every prompt (exercises prefix caching).</summary>
    public int PrefixLen { get; init; }

    public int Seed { get; init; }

    /// <summary>The dataset the prompts come from; null for the random dataset of input_len and output_len.</summary>
    public DatasetSpec? Dataset { get; init; }

    public int NumWarmups { get; init; }

    /// <summary>Keeps generating to output_len even past an end-of-sequence token, so every run does the same work.</summary>
    public bool IgnoreEos { get; init; } = true;

    public WorkloadBackend Backend { get; init; } = WorkloadBackend.OpenAiChat;

    /// <summary>The latency targets each load point is judged by; null when the workload has none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SloSpec? Slo { get; init; }

    /// <summary>The load points to run (a grid or a search); null for the one load of max_concurrency and request_rate.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SweepSpec? Sweep { get; init; }

    /// <summary>How many times each load point runs (confidence intervals come from the repeats); 1 by default.</summary>
    public int Repeats { get; init; } = 1;

    /// <summary>The request path, e.g. /v1/chat/completions.</summary>
    public required string Endpoint { get; init; }

    public static string DefaultEndpoint(WorkloadBackend backend) => backend switch
    {
        WorkloadBackend.OpenAi => "/v1/completions",
        _ => "/v1/chat/completions",
    };
}
