namespace GpuBench.Simulation.Profiles.HuggingFace;

/// <summary>A profile derived from config.json, with the checkpoint's size as published (next-token-prediction layers included).</summary>
public sealed record DerivedProfile(ModelProfile Profile, double CheckpointBytes, WeightFormat Format);

/// <summary>
/// Turns a Hugging Face config.json into the <see cref="ModelProfile"/> the performance model reads, by counting
/// every weight tensor of the architecture and its bytes in the checkpoint's format.
/// </summary>
public static class HfProfileBuilder
{
    /// <param name="id">The model's id (what vLLM serves it as).</param>
    /// <param name="config">The parsed config.json.</param>
    /// <param name="indexTotalBytes">metadata.total_size of model.safetensors.index.json, when known: the real checkpoint size.</param>
    public static DerivedProfile Build(string id, HfModelConfig config, long? indexTotalBytes = null)
    {
        var format = WeightFormat.Read(config);
        if (config.IsMoe && config.MoeIntermediateSize == 0)
        {
            throw new ModelConfigException($"{config.Source}: an MoE model without moe_intermediate_size or intermediate_size");
        }

        if (!config.IsMoe && config.IntermediateSize == 0)
        {
            throw new ModelConfigException($"{config.Source}: 'intermediate_size' is missing; the profile needs it");
        }

        var layers = Enumerable.Range(0, config.Layers).Select(i => LayerWeights.Count(config, format, i)).ToArray();
        double embedding = (double)config.VocabSize * config.HiddenSize;
        var embeddings = embedding * (config.TieWordEmbeddings ? 1 : 2);
        var servedBytes = layers.Sum(l => l.Bytes) + (embeddings + config.HiddenSize) * format.DenseBytes;
        var checkpointBytes = servedBytes + NextTokenPredictionBytes(config, format);
        if (indexTotalBytes is { } measured)
        {
            servedBytes *= measured / checkpointBytes;
            checkpointBytes = measured;
        }

        var moeLayers = layers.Count(l => l.ExpertParams > 0);
        var profile = new ModelProfile
        {
            Id = id,
            ParamsTotalB = (layers.Sum(l => l.Params) + embeddings + config.HiddenSize) / 1e9,
            ParamsActiveB = (layers.Sum(l => l.ActiveParams) + embeddings) / 1e9,
            EmbeddingParamsB = embeddings / 1e9,
            ExpertParamsB = layers.Sum(l => l.ExpertParams) / 1e9,
            Layers = config.Layers,
            DenseLayersBeforeMoe = config.IsMoe ? config.Layers - moeLayers : 0,
            HiddenSize = config.HiddenSize,
            AttentionHeads = config.AttentionHeads,
            KvHeads = config.IsMla ? config.AttentionHeads : config.KvHeads,
            HeadDim = config.IsMla ? config.QkNopeHeadDim + config.QkRopeHeadDim : config.HeadDim,
            KvLatentDim = config.IsMla ? config.KvLoraRank + config.QkRopeHeadDim : 0,
            Experts = config.Experts,
            ExpertsPerToken = config.ExpertsPerToken,
            VocabSize = config.VocabSize,
            MaxPositionEmbeddings = config.MaxPositionEmbeddings,
            BytesPerWeight = moeLayers > 0
                ? layers.Sum(l => l.ExpertBytes) / layers.Sum(l => l.ExpertParams)
                : format.BytesFor("model.layers.0.self_attn.q_proj", isExpert: false),
            ComputeDtype = format.ComputeDtype,
            ServedWeightsGb = servedBytes / 1e9,
            SlidingWindow = config.SlidingWindow,
            SlidingWindowLayers = config.SlidingWindowLayers,
            Sources = [config.Source],
        };
        return new DerivedProfile(profile, checkpointBytes, format);
    }

    /// <summary>
    /// The next-token-prediction layers (DeepSeek-V3, GLM-4.5): a full decoder layer each plus two norms and the
    /// projection of [embedding; hidden] back to hidden. In the checkpoint, not loaded without speculative decoding.
    /// </summary>
    private static double NextTokenPredictionBytes(HfModelConfig config, WeightFormat format)
    {
        if (config.NextTokenPredictionLayers == 0)
        {
            return 0;
        }

        var layer = LayerWeights.Count(config, format, config.Layers);
        double hidden = config.HiddenSize;
        return config.NextTokenPredictionLayers * (layer.Bytes + (3 * hidden + 2 * hidden * hidden) * format.DenseBytes);
    }
}
