using System.Globalization;

namespace GpuBench.GatewayPolicies;

/// <summary>
/// One comparison: the replicas (a simulated GPU each, the same model), the requests (a seeded mix of short and long
/// completions, identical for every policy) and the policies to run them through, one after another.
/// </summary>
public sealed record BenchOptions
{
    public string Model { get; init; } = "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ";

    /// <summary>Simulated GPU of each replica, e.g. rtx4090,rtx4090 (two like replicas) or h200,rtx4090.</summary>
    public string[] Gpus { get; init; } = ["rtx4090", "rtx4090"];

    public string[] Policies { get; init; } = ["least-requests", "queue-aware"];

    public int Concurrency { get; init; } = 64;

    public int Requests { get; init; } = 400;

    public int InputLen { get; init; } = 512;

    public int ShortLen { get; init; } = 64;

    public int LongLen { get; init; } = 2048;

    /// <summary>Share of the requests that are long.</summary>
    public double LongShare { get; init; } = 0.2;

    public int MaxModelLen { get; init; } = 8192;

    public double GpuMemoryUtilization { get; init; } = 0.9;

    public int? MaxNumSeqs { get; init; }

    public int Seed { get; init; } = 1;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--model" => options with { Model = value },
                "--gpus" => options with { Gpus = value.Split(',') },
                "--policies" => options with { Policies = value.Split(',') },
                "--concurrency" => options with { Concurrency = Int(value) },
                "--requests" => options with { Requests = Int(value) },
                "--input-len" => options with { InputLen = Int(value) },
                "--short-len" => options with { ShortLen = Int(value) },
                "--long-len" => options with { LongLen = Int(value) },
                "--long-share" => options with { LongShare = double.Parse(value, CultureInfo.InvariantCulture) },
                "--max-model-len" => options with { MaxModelLen = Int(value) },
                "--gpu-memory-utilization" => options with { GpuMemoryUtilization = double.Parse(value, CultureInfo.InvariantCulture) },
                "--max-num-seqs" => options with { MaxNumSeqs = Int(value) },
                "--seed" => options with { Seed = Int(value) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }

    /// <summary>The simulator's command line for one replica.</summary>
    public string[] ReplicaArguments(string gpu) =>
    [
        "serve", Model, "--sim-gpu", gpu, "--host", "127.0.0.1", "--port", "0",
        "--max-model-len", Text(MaxModelLen), "--gpu-memory-utilization", GpuMemoryUtilization.ToString(CultureInfo.InvariantCulture),
        .. MaxNumSeqs is { } seqs ? ["--max-num-seqs", Text(seqs)] : Array.Empty<string>(),
    ];

    /// <summary>Output length of each request, in order: the same seeded mix for every policy.</summary>
    public int[] OutputLengths()
    {
        var random = new Random(Seed);
        return Enumerable.Range(0, Requests).Select(_ => random.NextDouble() < LongShare ? LongLen : ShortLen).ToArray();
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
