namespace GpuBench.Simulation.Engine;

/// <summary>
/// vLLM V1's scheduler (vllm/v1/core/sched/scheduler.py), FCFS policy: each step first advances running requests
/// (a decode token, or the next prefill chunk), then admits waiting ones, all within a token budget
/// (max_num_batched_tokens) and max_num_seqs. When the KV cache cannot grow a running request, the most recently
/// admitted request is preempted: its blocks are freed and it is recomputed later from the start.
/// </summary>
internal sealed class Scheduler(VllmSettings settings, KvBlockPool pool)
{
    private readonly LinkedList<EngineRequest> _waiting = new();
    private readonly List<EngineRequest> _running = [];

    public int Running => _running.Count;
    public int Waiting => _waiting.Count;
    public long Preemptions { get; private set; }

    public void Add(EngineRequest request, double now)
    {
        request.ArrivalTime = now;
        request.State = RequestState.Waiting;
        _waiting.AddLast(request);
    }

    public void Remove(EngineRequest request)
    {
        if (request.State == RequestState.Waiting)
        {
            _waiting.Remove(request);
        }
        else if (request.State == RequestState.Running)
        {
            _running.Remove(request);
        }

        pool.Release(request);
    }

    /// <summary>Builds the next batch from requests not already in flight; null when there is nothing to compute.</summary>
    public MicroBatch? Schedule(double now)
    {
        var budget = settings.MaxNumBatchedTokens;
        var batch = new MicroBatch();
        var preempted = false;

        for (var i = 0; i < _running.Count && budget > 0; i++)
        {
            var request = _running[i];
            var tokens = Math.Min(request.TotalTokens - request.ComputedTokens, budget);
            if (tokens <= 0)
            {
                continue; // in flight: its next token is not sampled yet
            }

            var scheduled = true;
            while (!pool.TryReserve(request, request.ComputedTokens + tokens))
            {
                var victim = LastIdle(exclude: request) ?? request;
                Preempt(victim);
                preempted = true;
                if (victim == request)
                {
                    scheduled = false;
                    break;
                }
            }

            if (!scheduled)
            {
                break;
            }

            batch.Add(request, tokens, now);
            budget -= tokens;
        }

        // vLLM admits nobody in a step that had to preempt: memory is short.
        while (!preempted && budget > 0 && _running.Count < settings.MaxNumSeqs && _waiting.First is { } node)
        {
            var request = node.Value;
            if (request.ComputedTokens == 0)
            {
                request.ComputedTokens = pool.ReclaimCachedPrefix(request);
            }

            var tokens = Math.Min(request.TotalTokens - request.ComputedTokens, budget);
            if (!pool.TryReserve(request, request.ComputedTokens + tokens))
            {
                // A waiting request holds no blocks: what it reclaimed goes back to the cache.
                pool.Release(request);
                request.ComputedTokens = 0;
                break;
            }

            _waiting.RemoveFirst();
            request.State = RequestState.Running;
            _running.Add(request);
            batch.Add(request, tokens, now);
            budget -= tokens;
        }

        return batch.Count == 0 ? null : batch;
    }

    /// <summary>Applies a finished micro-batch: each request whose tokens were all computed samples one token.</summary>
    public void Complete(MicroBatch batch, double time, ICollection<TokenOutput> outputs)
    {
        foreach (var entry in batch.Entries)
        {
            var request = entry.Request;
            request.InFlight--;
            if (entry.Epoch != request.Epoch || request.State != RequestState.Running || !entry.SamplesToken)
            {
                continue;
            }

            request.OutputTokens++;
            if (request.OutputTokens == 1)
            {
                request.FirstTokenTime = time;
            }

            request.PreviousTokenTime = request.LastTokenTime;
            request.LastTokenTime = time;
            var reason = request.OutputTokens >= request.MaxTokens ? FinishReason.Length
                : request.OutputTokens == request.StopAfterTokens ? FinishReason.Stop
                : FinishReason.None;
            if (reason != FinishReason.None)
            {
                Finish(request, reason, time);
            }

            outputs.Add(new TokenOutput(request, request.OutputTokens - 1, time, reason != FinishReason.None));
        }
    }

    public void Finish(EngineRequest request, FinishReason reason, double time)
    {
        Remove(request);
        request.State = RequestState.Finished;
        request.FinishReason = reason;
        request.FinishedTime = time;
    }

    private EngineRequest? LastIdle(EngineRequest exclude)
    {
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            var candidate = _running[i];
            if (candidate != exclude && candidate.InFlight == 0)
            {
                return candidate;
            }
        }

        return null;
    }

    private void Preempt(EngineRequest request)
    {
        _running.Remove(request);
        pool.Release(request);
        request.ComputedTokens = 0;
        request.Epoch++;
        request.Preemptions++;
        request.State = RequestState.Waiting;
        _waiting.AddFirst(request);
        Preemptions++;
    }
}
