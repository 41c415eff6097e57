using System.Text.Json;
using System.Text.RegularExpressions;

namespace GpuBench.Simulation.Profiles.HuggingFace;

/// <summary>
/// How a checkpoint stores its linear layers: bytes per weight of the quantized ones (scales and zero points
/// included), which modules the quantizer left in 16 bit, and the tensor-core precision the matmuls run in.
/// Read from config.json's quantization_config the way vLLM reads it.
/// </summary>
public sealed record WeightFormat
{
    /// <summary>Bytes per weight of an unquantized tensor (the checkpoint's dtype).</summary>
    public required double DenseBytes { get; init; }

    /// <summary>Bytes per weight of a quantized linear layer, its scales and zero points spread over the weights.</summary>
    public required double QuantizedBytes { get; init; }

    /// <summary>fp16 (dequantizing kernels: AWQ/GPTQ Marlin, MXFP4 on Hopper), or fp8 (W8A8 FP8).</summary>
    public required string ComputeDtype { get; init; }

    /// <summary>The quantization method, "none" for a 16-bit checkpoint.</summary>
    public required string Method { get; init; }

    /// <summary>MXFP4 (gpt-oss) quantizes the MoE experts only, every other layer stays in 16 bit.</summary>
    public bool ExpertsOnly { get; init; }

    public IReadOnlyList<string> Excluded { get; init; } = [];

    /// <summary>Bytes per weight of a module, by its checkpoint name (e.g. "model.layers.3.mlp.gate").</summary>
    public double BytesFor(string module, bool isExpert) =>
        Method == "none" || (ExpertsOnly && !isExpert) || Excluded.Any(e => Matches(e, module)) ? DenseBytes : QuantizedBytes;

    /// <summary>vLLM's rules: "re:" entries are regular expressions (compressed-tensors), "*" a wildcard, others a substring.</summary>
    private static bool Matches(string entry, string module) =>
        entry.StartsWith("re:", StringComparison.Ordinal) ? Regex.IsMatch(module, "^(?:" + entry[3..] + ")")
        : entry.Contains('*') ? Regex.IsMatch(module, "^" + Regex.Escape(entry).Replace(@"\*", ".*") + "$")
        : module.Contains(entry, StringComparison.Ordinal);

    public static WeightFormat Read(HfModelConfig config)
    {
        var dense = config.TorchDtype switch
        {
            "float32" => 4.0,
            "bfloat16" or "float16" => 2.0,
            var other => throw new ModelConfigException($"{config.Source}: torch_dtype '{other}' is not modelled (bfloat16, float16, float32)"),
        };
        if (config.QuantizationConfig is not { } q)
        {
            return new WeightFormat { DenseBytes = dense, QuantizedBytes = dense, ComputeDtype = "fp16", Method = "none" };
        }

        var method = Str(q, "quant_method") ?? "";
        var excluded = Strings(q, "modules_to_not_convert").Concat(Strings(q, "ignored_layers")).Concat(Strings(q, "ignore")).ToArray();
        return method switch
        {
            "awq" or "gptq" => IntGroups(config, q, dense, excluded, method),
            "fp8" => new WeightFormat
            {
                DenseBytes = dense, QuantizedBytes = 1 + BlockScaleBytes(q, "weight_block_size", 4), ComputeDtype = "fp8",
                Method = method, Excluded = excluded,
            },
            "mxfp4" => new WeightFormat
            {
                // 4-bit E2M1 values and one 8-bit shared exponent per 32 (OCP MX format).
                DenseBytes = dense, QuantizedBytes = 0.5 + 1.0 / 32, ComputeDtype = "fp16", Method = method, ExpertsOnly = true,
                Excluded = excluded,
            },
            "compressed-tensors" => CompressedTensors(config, q, dense, excluded),
            _ => throw new ModelConfigException(
                $"{config.Source}: quantization '{method}' is not modelled (awq, gptq, fp8, mxfp4, compressed-tensors)"),
        };
    }

    /// <summary>AWQ/GPTQ: bits per weight plus, per group, an fp16 scale and a zero point of the same bits.</summary>
    private static WeightFormat IntGroups(HfModelConfig config, JsonElement q, double dense, string[] excluded, string method)
    {
        var bits = Int(q, "bits") ?? Int(q, "w_bit") ?? 4;
        var group = Int(q, "group_size") ?? Int(q, "q_group_size") ?? 128;
        var zero = method == "gptq" || (Bool(q, "zero_point") ?? true);  // GPTQ stores packed zeros even when symmetric
        var perGroup = 2 + (zero ? bits / 8.0 : 0);
        return new WeightFormat
        {
            DenseBytes = dense,
            QuantizedBytes = bits / 8.0 + (group > 0 ? perGroup / group : 0),
            ComputeDtype = "fp16",
            Method = method,
            Excluded = excluded.Length > 0 ? excluded : ["lm_head"],
        };
    }

    /// <summary>compressed-tensors (llm-compressor): the first config group's weight scheme.</summary>
    private static WeightFormat CompressedTensors(HfModelConfig config, JsonElement q, double dense, string[] excluded)
    {
        if (!q.TryGetProperty("config_groups", out var groups) || groups.ValueKind != JsonValueKind.Object
            || groups.EnumerateObject().FirstOrDefault().Value is not { ValueKind: JsonValueKind.Object } group
            || !group.TryGetProperty("weights", out var weights))
        {
            throw new ModelConfigException($"{config.Source}: compressed-tensors quantization_config without config_groups.*.weights");
        }

        var bits = Int(weights, "num_bits") ?? 8;
        var isFloat = Str(weights, "type") == "float";
        var strategy = Str(weights, "strategy") ?? "tensor";
        var groupSize = Int(weights, "group_size") ?? 0;
        var scaleBytes = strategy switch
        {
            "group" when groupSize > 0 => (2 + (Bool(weights, "symmetric") ?? true ? 0 : bits / 8.0)) / groupSize,
            "block" => BlockScaleBytes(weights, "block_structure", 4),
            _ => 0,  // per tensor or per output channel: a few bytes per row of thousands of weights
        };
        return new WeightFormat
        {
            DenseBytes = dense,
            QuantizedBytes = bits / 8.0 + scaleBytes,
            ComputeDtype = isFloat && bits == 8 ? "fp8" : "fp16",
            Method = "compressed-tensors",
            Excluded = excluded,
        };
    }

    /// <summary>One fp32 scale per block of the given shape (FP8 block quantization), in bytes per weight.</summary>
    private static double BlockScaleBytes(JsonElement q, string key, int scaleBytes) =>
        q.TryGetProperty(key, out var block) && block.ValueKind == JsonValueKind.Array
            ? (double)scaleBytes / block.EnumerateArray().Aggregate(1, (product, d) => product * d.GetInt32())
            : 0;

    private static int? Int(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static bool? Bool(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static string? Str(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static IEnumerable<string> Strings(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)
            : [];
}
