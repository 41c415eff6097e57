using GpuBench.Core.Hardware;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Profiles;

namespace GpuBench.Simulation.Performance;

/// <summary>
/// One engine replica of a model on GPUs of one type: where its memory goes (weights, reserve, KV blocks) and how
/// long a batch takes on each pipeline stage. The only place where hardware and model figures become times.
/// </summary>
public sealed class ReplicaModel
{
    private const double GiB = 1024.0 * 1024 * 1024;

    private readonly double _memoryBandwidth;
    private readonly double _tensorFlops;
    private readonly double _linkBandwidth;
    private readonly double _hopSeconds;
    private readonly double _collectiveSeconds;
    private readonly double _bytesPerExpert;
    private readonly int[] _moeLayersOn;

    public ReplicaModel(GpuProfile gpu, ModelProfile model, VllmSettings settings, Calibration? calibration = null)
    {
        Gpu = gpu;
        Model = model;
        Settings = settings;
        Calibration = calibration ?? Calibration.Default;
        var efficiency = Calibration.For(gpu.Architecture);
        _memoryBandwidth = gpu.DataBandwidthGbps * 1e9 * efficiency.MemoryEfficiency;
        _tensorFlops = PeakTensorFlops(gpu, model.ComputeDtype) * efficiency.ComputeEfficiency;
        (_linkBandwidth, _hopSeconds, _collectiveSeconds) = gpu.NvlinkGbps > 0
            ? (gpu.NvlinkGbps / 2 * 1e9 * Calibration.NvlinkEfficiency, Calibration.NvlinkHopUs * 1e-6, Calibration.NvlinkCollectiveUs * 1e-6)
            : (gpu.PcieGbps * 1e9 * Calibration.PcieEfficiency, Calibration.PcieHopUs * 1e-6, Calibration.PcieCollectiveUs * 1e-6);
        _bytesPerExpert = model.IsMoe ? model.ExpertBytesPerLayer / model.Experts : 0;

        StageLayers = SplitLayers(model.Layers, settings.PipelineParallel);
        _moeLayersOn = CountMoeLayers(model, StageLayers);
        KvHeadsPerGpu = Math.Max(1, model.KvHeads / settings.TensorParallel);
        KvBytesPerTokenPerLayer = model.KvElementsPerTokenPerLayer(settings.TensorParallel) * settings.KvElementBytes;
        StageMemory = Enumerable.Range(0, settings.PipelineParallel).Select(PlanStageMemory).ToArray();
        TotalBlocks = StageMemory.Min(m => m.Blocks);
    }

    public GpuProfile Gpu { get; }
    public ModelProfile Model { get; }
    public VllmSettings Settings { get; }
    public Calibration Calibration { get; }

    /// <summary>Layers held by each pipeline stage: vLLM splits them evenly, the last stages taking the remainder.</summary>
    public IReadOnlyList<int> StageLayers { get; }

    public int KvHeadsPerGpu { get; }

    /// <summary>KV bytes one token occupies in one layer on one GPU.</summary>
    public double KvBytesPerTokenPerLayer { get; }

    public IReadOnlyList<StageMemory> StageMemory { get; }

    /// <summary>KV blocks of the replica: the smallest stage's count, as vLLM takes the minimum over workers.</summary>
    public int TotalBlocks { get; }

    public long KvCapacityTokens => (long)TotalBlocks * Settings.BlockSize;

    /// <summary>Why this replica cannot start, in vLLM's terms, or null when it fits.</summary>
    public string? FitError
    {
        get
        {
            var tight = StageMemory.FirstOrDefault(m => m.KvBytes <= 0);
            if (tight is not null)
            {
                return $"Model weights ({tight.WeightBytes / GiB:F1} GiB per GPU) plus reserve ({tight.ReservedBytes / GiB:F1} GiB) "
                    + $"exceed {Settings.GpuMemoryUtilization:P0} of {Gpu.Name} memory ({Gpu.VramBytes / GiB:F1} GiB): "
                    + "no memory left for the KV cache. Use more GPUs per replica (pipeline or tensor parallel).";
            }

            return KvCapacityTokens < Settings.MaxModelLen
                ? $"The model's max seq len ({Settings.MaxModelLen}) is larger than the maximum number of tokens that can "
                    + $"be stored in KV cache ({KvCapacityTokens}). Try increasing gpu_memory_utilization or decreasing max_model_len."
                : null;
        }
    }

    /// <summary>Time of one micro-batch on one pipeline stage, in seconds: matrix products, attention, all-reduces.</summary>
    public double StageSeconds(int stage, in BatchShape batch)
    {
        var layers = StageLayers[stage];
        var layerShare = (double)layers / Model.Layers;
        var tp = Settings.TensorParallel;

        var moeLayers = _moeLayersOn[stage];
        var expertBytes = moeLayers * ExpertsTouched(batch.Tokens) * _bytesPerExpert;
        // The input embedding is a lookup of a few rows; the output head is read in full by the last stage.
        var headBytes = stage == Settings.PipelineParallel - 1 ? HeadBytes : 0;
        var weightBytes = (LayerAlwaysReadBytes * layerShare + headBytes + expertBytes) / tp;
        var linearFlops = Model.FlopsPerTokenLinear * batch.Tokens * layerShare / tp;
        var linear = Math.Max(weightBytes / _memoryBandwidth, linearFlops / _tensorFlops);

        var kvBytes = batch.ContextTokens * KvBytesPerTokenPerLayer * layers;
        var attentionFlops = 4.0 * Model.AttentionHeads * Model.HeadDim * batch.AttendedPairs * layers / tp;
        var attention = Math.Max(kvBytes / (_memoryBandwidth * Calibration.AttentionMemoryFactor), attentionFlops / _tensorFlops);

        var allReduce = tp > 1 ? 2 * layers * _collectiveSeconds + AllReduceBytesPerRank(stage, batch) / _linkBandwidth : 0;
        var moeOverhead = moeLayers * Calibration.MoeLayerOverheadUs * 1e-6;
        return linear + attention + allReduce + moeOverhead;
    }

    /// <summary>Sending the hidden states and residual of a micro-batch to the next pipeline stage.</summary>
    public double TransferSeconds(in BatchShape batch) =>
        _hopSeconds + TransferBytes(batch) / _linkBandwidth;

    /// <summary>Hidden states and residual of a micro-batch, 16 bit, handed to the next pipeline stage.</summary>
    public double TransferBytes(in BatchShape batch) => 2.0 * batch.Tokens * Model.HiddenSize * 2;

    /// <summary>True when GPUs talk over PCIe (no NVLink): then pipeline hand-overs and all-reduces are PCIe traffic.</summary>
    public bool LinksOverPcie => Gpu.NvlinkGbps <= 0;

    /// <summary>Bytes one tensor-parallel rank sends (and receives) in a stage's all-reduces for a micro-batch.</summary>
    public double AllReduceBytesPerRank(int stage, in BatchShape batch)
    {
        var tp = Settings.TensorParallel;
        return tp > 1 ? 2 * StageLayers[stage] * (2.0 * (tp - 1) / tp) * batch.Tokens * Model.HiddenSize * 2 : 0;
    }

    /// <summary>CPU time of one engine step: scheduling, input preparation, sampling, output processing.</summary>
    public double CpuSeconds(in BatchShape batch) =>
        Calibration.StepOverheadMs * 1e-3 + Calibration.SequenceOverheadUs * 1e-6 * batch.Sequences;

    /// <summary>
    /// Expected distinct experts a batch of tokens routes to in one layer, each token picking k of E. Real routers
    /// favour some experts, so the batch saturates the experts more slowly than uniform picks would: the spread
    /// factor divides the picks.
    /// </summary>
    public double ExpertsTouched(int tokens)
    {
        if (!Model.IsMoe || tokens <= 0)
        {
            return 0;
        }

        var picks = (double)tokens * Model.ExpertsPerToken / Calibration.MoeRoutingSpread;
        return Model.Experts * (1 - Math.Exp(-picks / Model.Experts));
    }

    private static double PeakTensorFlops(GpuProfile gpu, string dtype) =>
        (dtype.ToLowerInvariant() switch
        {
            "fp8" when gpu.Fp8TensorTflops > 0 => gpu.Fp8TensorTflops,
            "fp4" when gpu.Fp4TensorTflops > 0 => gpu.Fp4TensorTflops,
            "int8" when gpu.Int8TensorTops > 0 => gpu.Int8TensorTops,
            _ => gpu.Fp16TensorTflops,
        }) * 1e12;

    /// <summary>
    /// vLLM's get_pp_indices: layers split evenly, the remainder going one each to the stages before the last,
    /// from the second-to-last backwards (the last holds the head and the sampler, the first the embedding).
    /// </summary>
    private static int[] SplitLayers(int layers, int stages)
    {
        var split = Enumerable.Repeat(layers / stages, stages).ToArray();
        for (var i = 2; i < layers % stages + 2; i++)
        {
            split[stages - i]++;
        }

        return split;
    }

    /// <summary>Bytes of the output head (half of the embedding parameters, untied), kept in 16 bit.</summary>
    private double HeadBytes => Model.EmbeddingParamsB * 1e9 * 2 / 2;

    /// <summary>Weights of the decoder layers that every step reads: attention, norms, dense and shared MLPs.</summary>
    private double LayerAlwaysReadBytes => Model.AlwaysReadBytes - Model.EmbeddingParamsB * 1e9 * 2;

    /// <summary>Layers with routed experts on each stage: the model's leading dense layers sit on the first stages.</summary>
    private static int[] CountMoeLayers(ModelProfile model, IReadOnlyList<int> stageLayers)
    {
        var counts = new int[stageLayers.Count];
        var start = 0;
        for (var stage = 0; stage < counts.Length; stage++)
        {
            var end = start + stageLayers[stage];
            counts[stage] = model.IsMoe ? Math.Max(0, end - Math.Max(start, model.DenseLayersBeforeMoe)) : 0;
            start = end;
        }

        return counts;
    }

    private StageMemory PlanStageMemory(int stage)
    {
        var tp = Settings.TensorParallel;
        var layerShare = (double)StageLayers[stage] / Model.Layers;
        var embeddingBytes = Model.EmbeddingParamsB * 1e9 * 2;
        // The input embedding lives on the first stage, the output head on the last; a stage holds all the
        // experts of its MoE layers, so the stage with fewer leading dense layers is the heavier one.
        var embeddingShare = (stage == 0 ? 0.5 : 0) + (stage == Settings.PipelineParallel - 1 ? 0.5 : 0);
        var weights = (LayerAlwaysReadBytes * layerShare + _moeLayersOn[stage] * Model.ExpertBytesPerLayer + embeddingBytes * embeddingShare) / tp;

        var activations = (double)Settings.MaxNumBatchedTokens * Model.HiddenSize * 2 * Calibration.ActivationHiddenMultiple / tp;
        var logits = stage == Settings.PipelineParallel - 1 ? (double)Settings.MaxNumSeqs * Model.VocabSize * 4 * 2 : 0;
        var reserved = Calibration.ReservedGib * GiB + activations + logits;

        var kvBytes = Gpu.VramBytes * Settings.GpuMemoryUtilization - weights - reserved;
        var blockBytes = Settings.BlockSize * KvBytesPerTokenPerLayer * StageLayers[stage];
        var blocks = kvBytes <= 0 ? 0 : (int)Math.Min(int.MaxValue, Math.Floor(kvBytes / blockBytes));
        return new StageMemory(stage, weights, reserved, kvBytes, blocks);
    }
}

/// <summary>Where one pipeline stage's GPU memory goes, in bytes per GPU.</summary>
public sealed record StageMemory(int Stage, double WeightBytes, double ReservedBytes, double KvBytes, int Blocks);

/// <summary>
/// What the cost of a micro-batch depends on: tokens computed, sequences, context read by attention and query×key
/// pairs (causal attention of n new tokens after c cached ones attends n·c + n²/2 pairs).
/// </summary>
public record struct BatchShape(int Tokens, int Sequences, double ContextTokens, double AttendedPairs)
{
    public void Add(int newTokens, int cachedTokens)
    {
        Tokens += newTokens;
        Sequences++;
        ContextTokens += cachedTokens + newTokens;
        AttendedPairs += newTokens * (cachedTokens + newTokens / 2.0);
    }
}
