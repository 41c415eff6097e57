using GpuBench.Simulation.Performance;

namespace GpuBench.Simulation.Engine;

/// <summary>
/// The simulated engine: the scheduler plus the pipeline of micro-batches, advanced by whoever owns the clock.
/// Times are seconds on the caller's clock. It never reads a clock or sleeps, so the predictor runs it in virtual
/// time and the server in real time, with the same results. Not thread-safe: one owner drives it.
/// </summary>
/// <remarks>
/// As in vLLM V1 with pipeline parallelism, up to pipeline-parallel-size micro-batches are in flight; a stage
/// starts a micro-batch when the previous stage has finished it and sent its activations, and when it is free.
/// </remarks>
public sealed class EngineCore
{
    private readonly Scheduler _scheduler;
    private readonly Queue<MicroBatch> _inFlight = new();
    private readonly double[] _stageFree;
    private readonly double[] _stageBusy;
    private readonly double[] _stagePcieTx;
    private readonly double[] _stagePcieRx;
    private double _cpuFree;

    public EngineCore(ReplicaModel model)
        : this(model, model.TotalBlocks)
    {
    }

    /// <summary>An engine with a KV pool of a chosen size, for tests that need memory pressure.</summary>
    internal EngineCore(ReplicaModel model, int totalBlocks)
    {
        Model = model;
        if (model.FitError is { } error)
        {
            throw new InvalidOperationException(error);
        }

        Pool = new KvBlockPool(totalBlocks, model.Settings.BlockSize);
        _scheduler = new Scheduler(model.Settings, Pool);
        _stageFree = new double[model.Settings.PipelineParallel];
        _stageBusy = new double[model.Settings.PipelineParallel];
        _stagePcieTx = new double[model.Settings.PipelineParallel];
        _stagePcieRx = new double[model.Settings.PipelineParallel];
    }

    public ReplicaModel Model { get; }
    public KvBlockPool Pool { get; }
    public int Running => _scheduler.Running;
    public int Waiting => _scheduler.Waiting;
    public long Preemptions => _scheduler.Preemptions;
    public long PromptTokensComputed { get; private set; }
    public long StepsCompleted { get; private set; }

    /// <summary>Seconds each pipeline stage's GPUs have been (or are scheduled to be) computing, for utilization.</summary>
    public double StageBusySeconds(int stage) => Volatile.Read(ref _stageBusy[stage]);

    /// <summary>Bytes each GPU of a pipeline stage has sent over PCIe (hand-overs, all-reduces without NVLink).</summary>
    public double StagePcieTxBytes(int stage) => Volatile.Read(ref _stagePcieTx[stage]);

    /// <summary>Bytes each GPU of a pipeline stage has received over PCIe.</summary>
    public double StagePcieRxBytes(int stage) => Volatile.Read(ref _stagePcieRx[stage]);

    /// <summary>When the oldest micro-batch in flight completes; null when the engine is idle.</summary>
    public double? NextEventTime => _inFlight.Count > 0 ? _inFlight.Peek().CompletionTime : null;

    public bool IsIdle => _inFlight.Count == 0 && _scheduler.Running == 0 && _scheduler.Waiting == 0;

    public void Add(EngineRequest request, double now)
    {
        if (request.PromptTokens + request.MaxTokens > Model.Settings.MaxModelLen)
        {
            throw new ArgumentException(
                $"Request {request.Id}: prompt ({request.PromptTokens}) + max_tokens ({request.MaxTokens}) exceeds max_model_len ({Model.Settings.MaxModelLen}).");
        }

        _scheduler.Add(request, now);
    }

    /// <summary>Drops a request (client went away); its blocks return to the pool at once.</summary>
    public void Abort(EngineRequest request, double now)
    {
        if (!request.IsFinished)
        {
            _scheduler.Finish(request, FinishReason.Aborted, now);
        }
    }

    /// <summary>
    /// Completes every micro-batch that ends at or before <paramref name="now"/> (its tokens carry the batch's
    /// completion time), refilling the pipeline after each, then schedules what can start at <paramref name="now"/>.
    /// </summary>
    public void Advance(double now, ICollection<TokenOutput> outputs)
    {
        while (_inFlight.Count > 0 && _inFlight.Peek().CompletionTime <= now)
        {
            var batch = _inFlight.Dequeue();
            _scheduler.Complete(batch, batch.CompletionTime, outputs);
            StepsCompleted++;
            Fill(batch.CompletionTime);
        }

        Fill(now);
    }

    private void Fill(double now)
    {
        while (_inFlight.Count < _stageFree.Length && _scheduler.Schedule(now) is { } batch)
        {
            var shape = batch.Shape;
            foreach (var entry in batch.Entries)
            {
                if (entry.Request.ComputedTokens - entry.Tokens < entry.Request.PromptTokens)
                {
                    PromptTokensComputed += Math.Min(entry.Tokens, entry.Request.PromptTokens - (entry.Request.ComputedTokens - entry.Tokens));
                }
            }

            // One engine-core process prepares every micro-batch: its CPU work is serial even when GPUs overlap.
            _cpuFree = Math.Max(now, _cpuFree) + Model.CpuSeconds(shape);
            var ready = _cpuFree;
            for (var stage = 0; stage < _stageFree.Length; stage++)
            {
                var start = Math.Max(ready, _stageFree[stage]);
                var busy = Model.StageSeconds(stage, shape);
                _stageFree[stage] = start + busy;
                Volatile.Write(ref _stageBusy[stage], _stageBusy[stage] + busy);
                CountPcieTraffic(stage, shape);
                ready = _stageFree[stage] + (stage < _stageFree.Length - 1 ? Model.TransferSeconds(shape) : 0);
            }

            batch.CompletionTime = ready;
            _inFlight.Enqueue(batch);
        }
    }

    /// <summary>
    /// What nvidia-smi's PCIe counters would see of a micro-batch on one stage: its all-reduces and its hand-over to
    /// the next stage when the GPUs have no NVLink (each tensor-parallel rank sends its share of the activations).
    /// </summary>
    private void CountPcieTraffic(int stage, in BatchShape shape)
    {
        if (!Model.LinksOverPcie)
        {
            return;
        }

        var allReduce = Model.AllReduceBytesPerRank(stage, shape);
        var handOver = stage < _stageFree.Length - 1 ? Model.TransferBytes(shape) / Model.Settings.TensorParallel : 0;
        Volatile.Write(ref _stagePcieTx[stage], _stagePcieTx[stage] + allReduce + handOver);
        Volatile.Write(ref _stagePcieRx[stage], _stagePcieRx[stage] + allReduce);
        if (handOver > 0)
        {
            Volatile.Write(ref _stagePcieRx[stage + 1], _stagePcieRx[stage + 1] + handOver);
        }
    }
}
