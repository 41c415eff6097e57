namespace GpuBench.Simulation.Profiles.HuggingFace;

/// <summary>Parameters and bytes of one transformer layer, split the way the performance model reads them.</summary>
public sealed record LayerWeights
{
    /// <summary>Parameters every step reads in full: attention, norms, router, shared experts, a dense MLP.</summary>
    public required double AlwaysReadParams { get; init; }

    public required double AlwaysReadBytes { get; init; }

    /// <summary>Routed-expert parameters (all experts of the layer); 0 for a dense layer.</summary>
    public required double ExpertParams { get; init; }

    public required double ExpertBytes { get; init; }

    /// <summary>Parameters one token uses: the always-read ones and its experts' share.</summary>
    public required double ActiveParams { get; init; }

    public double Params => AlwaysReadParams + ExpertParams;

    public double Bytes => AlwaysReadBytes + ExpertBytes;

    /// <summary>Counts layer <paramref name="index"/> of <paramref name="config"/> stored as <paramref name="format"/> says.</summary>
    public static LayerWeights Count(HfModelConfig config, WeightFormat format, int index)
    {
        var prefix = $"model.layers.{index}.";
        double hidden = config.HiddenSize;
        var attention = AttentionParams(config);
        var norms = 2 * hidden;
        var always = attention * format.BytesFor(prefix + "self_attn.q_proj", isExpert: false) + norms * format.DenseBytes;
        if (!config.IsMoeLayer(index))
        {
            var mlp = 3 * hidden * config.IntermediateSize;
            return new LayerWeights
            {
                AlwaysReadParams = attention + norms + mlp,
                AlwaysReadBytes = always + mlp * format.BytesFor(prefix + "mlp.gate_proj", isExpert: false),
                ExpertParams = 0,
                ExpertBytes = 0,
                ActiveParams = attention + norms + mlp,
            };
        }

        var router = config.Experts * hidden;
        var shared = config.SharedExperts * 3 * hidden * config.MoeIntermediateSize
            + (config.SharedExpertIntermediateSize > 0 ? 3 * hidden * config.SharedExpertIntermediateSize + hidden : 0);
        var perExpert = 3 * hidden * config.MoeIntermediateSize + (config.ExpertBias ? 2 * config.MoeIntermediateSize + hidden : 0);
        var experts = config.Experts * perExpert;
        return new LayerWeights
        {
            AlwaysReadParams = attention + norms + router + shared,
            AlwaysReadBytes = always + router * format.DenseBytes
                + shared * format.BytesFor(prefix + "mlp.shared_experts.gate_proj", isExpert: false),
            ExpertParams = experts,
            ExpertBytes = experts * format.BytesFor(prefix + "mlp.experts.0.gate_proj", isExpert: true),
            ActiveParams = attention + norms + router + shared + config.ExpertsPerToken * perExpert,
        };
    }

    /// <summary>Query, key, value and output projections (with biases, sinks and q/k norms where the family has them).</summary>
    public static double AttentionParams(HfModelConfig c)
    {
        double hidden = c.HiddenSize;
        if (c.IsMla)
        {
            var qkHead = c.QkNopeHeadDim + c.QkRopeHeadDim;
            var query = c.QLoraRank > 0
                ? hidden * c.QLoraRank + c.QLoraRank + (double)c.QLoraRank * c.AttentionHeads * qkHead
                : hidden * c.AttentionHeads * qkHead;
            var keyValue = hidden * (c.KvLoraRank + c.QkRopeHeadDim) + c.KvLoraRank
                + (double)c.KvLoraRank * c.AttentionHeads * (c.QkNopeHeadDim + c.VHeadDim);
            return query + keyValue + (double)c.AttentionHeads * c.VHeadDim * hidden;
        }

        double q = c.AttentionHeads * c.HeadDim, kv = c.KvHeads * c.HeadDim;
        var projections = hidden * q + 2 * hidden * kv + q * hidden;
        var biases = c.AttentionBias ? q + 2 * kv : 0;
        var sinks = c.ModelType == "gpt_oss" ? c.AttentionHeads : 0;
        var qkNorms = c.ModelType.StartsWith("qwen3", StringComparison.Ordinal) ? 2.0 * c.HeadDim : 0;
        return projections + biases + sinks + qkNorms;
    }
}
