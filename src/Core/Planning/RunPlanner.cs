using System.Globalization;
using GpuBench.Core.Config;
using GpuBench.Core.Hardware;

namespace GpuBench.Core.Planning;

/// <summary>
/// Turns a validated config into the run matrix: server × model × workload, each with its layout and price.
/// <para>
/// Layout rule, as in the seed article: the smallest pipeline (a power of two dividing the GPU count) whose
/// stages fit the weights by <see cref="MemoryFit"/>, then as many such replicas as the GPUs allow.
/// Pipeline rather than tensor parallel because on PCIe boxes pp exchanges one activation per stage per step
/// where tp all-reduces every layer, and pp needs no divisibility of attention heads. Explicit replicas, tp
/// or pp in config.yml win.
/// </para>
/// </summary>
public sealed class RunPlanner(GpuCatalog catalog, MemoryFit? memoryFit = null)
{
    private readonly MemoryFit _fit = memoryFit ?? MemoryFit.Default;

    public RunPlan Plan(BenchConfig config)
    {
        var runs = new List<PlannedRun>();
        var unplanned = new List<UnplannedRun>();
        foreach (var server in config.Servers)
        {
            var workloads = server.Workloads.Select(config.Workload).ToArray();
            foreach (var model in server.Models.Select(config.Model))
            {
                var engine = config.EngineFor(server, model);
                var decision = LayOut(server, model, engine);
                if (decision.Layout is { } layout)
                {
                    runs.AddRange(workloads.Select(w => new PlannedRun(server, model, w, layout, engine, config.PriceOf(server.Gpu.Type))));
                }
                else
                {
                    unplanned.Add(new UnplannedRun(server, model, workloads, decision.Reason!));
                }
            }
        }

        return new RunPlan(runs, unplanned);
    }

    /// <summary>The layout of <paramref name="model"/> on <paramref name="server"/>, or why there is none.</summary>
    public LayoutDecision LayOut(ServerSpec server, ModelSpec model, EngineSettings engine)
    {
        var count = server.Gpu.Count;
        if (model.TensorParallel is not null || model.PipelineParallel is not null)
        {
            return Explicit(count, model.Replicas, model.TensorParallel ?? 1, model.PipelineParallel ?? 1);
        }

        if (model.WeightsGb is not { } weights)
        {
            return LayoutDecision.Rejected("weights_gb is not set and neither are tp and pp");
        }

        var gpu = catalog.Get(server.Gpu.Type);
        var usable = MemoryFit.UsableGb(gpu, engine.GpuMemoryUtilization);
        var largest = 1;
        for (var pp = 1; pp <= count; pp *= 2)
        {
            if (count % pp != 0)
            {
                continue;
            }

            largest = pp;
            if (_fit.Fits(weights, pp, gpu, engine.GpuMemoryUtilization))
            {
                return Explicit(count, model.Replicas, 1, pp);
            }
        }

        return LayoutDecision.Rejected(string.Create(CultureInfo.InvariantCulture,
            $"does not fit: {weights:0.#} GB of weights need {_fit.NeededGb(weights, largest):0.0} GB per GPU even at pp{largest} " +
            $"(weights / {largest} + {_fit.HeadroomGbPerGpu:0.#} GB headroom), but a {gpu.Id} offers {usable:0.0} GB " +
            $"({gpu.VramGb:0.0} GB × gpu_memory_utilization {engine.GpuMemoryUtilization:0.##})"));
    }

    private static LayoutDecision Explicit(int count, int? replicas, int tp, int pp)
    {
        var perReplica = tp * pp;
        var chosen = replicas ?? count / perReplica;
        return chosen >= 1 && chosen * perReplica <= count
            ? LayoutDecision.Planned(Layout.Consecutive(chosen, tp, pp))
            : LayoutDecision.Rejected($"{Math.Max(chosen, 1)} × tp{tp} × pp{pp} needs {Math.Max(chosen, 1) * perReplica} GPUs, the server has {count}");
    }
}

/// <summary>A layout, or the reason there is none.</summary>
public sealed record LayoutDecision(Layout? Layout, string? Reason)
{
    public static LayoutDecision Planned(Layout layout) => new(layout, null);

    public static LayoutDecision Rejected(string reason) => new(null, reason);
}
