namespace GpuBench.Simulation.Engine;

/// <summary>
/// One request inside the engine, with vLLM's bookkeeping: tokens computed so far (prompt and generated), KV
/// blocks held, and the times that vLLM's request metrics and tracing report.
/// </summary>
public sealed class EngineRequest
{
    public EngineRequest(string id, int promptTokens, int maxTokens, int? stopAfterTokens = null, IReadOnlyList<int>? promptTokenIds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(promptTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        Id = id;
        PromptTokens = promptTokens;
        MaxTokens = maxTokens;
        StopAfterTokens = stopAfterTokens is { } stop ? Math.Clamp(stop, 1, maxTokens) : null;
        PromptTokenIds = promptTokenIds;
    }

    /// <summary>The prompt's token ids, whose full blocks the prefix cache shares between requests; null when unknown.</summary>
    public IReadOnlyList<int>? PromptTokenIds { get; }

    public string Id { get; }
    public int PromptTokens { get; }
    public int MaxTokens { get; }

    /// <summary>Where the model would emit end-of-sequence; null when ignore_eos or it never does.</summary>
    public int? StopAfterTokens { get; }

    public int OutputTokens { get; internal set; }
    public int ComputedTokens { get; internal set; }
    public int Blocks => BlockIds.Count;

    /// <summary>The KV blocks the request holds, in order.</summary>
    internal List<int> BlockIds { get; } = [];

    /// <summary>How many of <see cref="BlockIds"/> are registered in the prefix cache (or were taken from it).</summary>
    internal int HashedBlocks { get; set; }

    /// <summary>Chained hashes of the request's blocks, computed as far as needed.</summary>
    internal List<ulong>? BlockHashes { get; set; }

    /// <summary>A number of the pool's own for requests whose blocks hash to themselves (no token ids).</summary>
    internal long Serial { get; set; }
    public RequestState State { get; internal set; } = RequestState.New;
    public int Preemptions { get; internal set; }

    /// <summary>Changes at each preemption so that outputs of batches computed before it are discarded.</summary>
    internal int Epoch { get; set; }

    internal int InFlight { get; set; }

    /// <summary>Engine times in seconds.</summary>
    public double ArrivalTime { get; internal set; } = double.NaN;
    public double FirstScheduledTime { get; internal set; } = double.NaN;
    public double FirstTokenTime { get; internal set; } = double.NaN;
    public double LastTokenTime { get; internal set; } = double.NaN;

    /// <summary>The token before the last one, for inter-token latency.</summary>
    public double PreviousTokenTime { get; internal set; } = double.NaN;
    public double FinishedTime { get; internal set; } = double.NaN;
    public FinishReason FinishReason { get; internal set; }

    public int TotalTokens => PromptTokens + OutputTokens;

    public bool IsFinished => State == RequestState.Finished;
}

public enum RequestState
{
    New,
    Waiting,
    Running,
    Finished,
}

public enum FinishReason
{
    None,
    Length,
    Stop,
    Aborted,
}

/// <summary>One generated token, produced at the end of the micro-batch that computed it.</summary>
public readonly record struct TokenOutput(EngineRequest Request, int TokenIndex, double Time, bool Finished);
