namespace GpuBench.Core.Planning;

/// <summary>
/// How one model is laid out on one box: <see cref="Replicas"/> independent engine instances, each spanning
/// TensorParallel × PipelineParallel GPUs. Computed once by the planner and rendered to whatever each consumer
/// needs (Docker Engine API calls, compose.yaml, command lines).
/// </summary>
public sealed record Layout(int Replicas, int TensorParallel, int PipelineParallel, IReadOnlyList<ReplicaPlacement> Placements)
{
    public int GpusPerReplica => TensorParallel * PipelineParallel;

    public int TotalGpus => Replicas * GpusPerReplica;

    /// <summary>Lays replicas out on consecutive GPU ids: replica r gets [r·n, r·n + n).</summary>
    public static Layout Consecutive(int replicas, int tensorParallel, int pipelineParallel)
    {
        var perReplica = tensorParallel * pipelineParallel;
        var placements = Enumerable.Range(0, replicas)
            .Select(r => new ReplicaPlacement(r, Enumerable.Range(r * perReplica, perReplica).ToArray()))
            .ToArray();
        return new Layout(replicas, tensorParallel, pipelineParallel, placements);
    }

    /// <summary>The article's notation: "2 × pp2", "1 × tp4", "4 × 1".</summary>
    public override string ToString()
    {
        var parallel = (TensorParallel, PipelineParallel) switch
        {
            (1, 1) => "1",
            (1, var pp) => $"pp{pp}",
            (var tp, 1) => $"tp{tp}",
            (var tp, var pp) => $"tp{tp}·pp{pp}",
        };
        return $"{Replicas} × {parallel}";
    }
}

/// <summary>One engine replica and the GPU ids (as nvidia-smi numbers them) it owns.</summary>
public sealed record ReplicaPlacement(int Index, IReadOnlyList<int> GpuIds)
{
    /// <summary>The value for CUDA_VISIBLE_DEVICES or a Docker device request: "0,1".</summary>
    public string DeviceList => string.Join(',', GpuIds);
}
