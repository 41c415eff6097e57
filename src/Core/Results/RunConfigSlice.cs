using GpuBench.Core.Config;
using GpuBench.Core.Planning;

namespace GpuBench.Core.Results;

/// <summary>
/// A run folder's config.yml: config.yml with only what produced the run (its server, model, workload, GPU price and
/// engine command), defaults spelt out. For the reader it is the run's description only in folders without a record.
/// </summary>
public static class RunConfigSlice
{
    public static string For(BenchConfig config, PlannedRun run)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(run);
        var price = config.Prices.Where(p => p.Key == run.Server.Gpu.Type).ToDictionary(p => p.Key, p => p.Value);
        // The engine command this run was started with, on its server, and no other: one that a docker or sim run
        // never ran, or that a more specific one replaced, would read back as an unused setting.
        var command = run.Engine.Kind == EngineKind.Vllm && run.Server.Runtime == RuntimeKind.Process ? run.Engine.Command : null;
        return ConfigWriter.ToYaml(config with
        {
            Prices = price,
            Engine = config.Engine with { Command = null },
            Workloads = [run.Workload],
            Models = [run.Model with { Engine = run.Model.Engine with { Command = null } }],
            Servers = [run.Server with
            {
                Models = [run.Model.Name],
                Workloads = [run.Workload.Name],
                Engine = run.Server.Engine with { Command = command },
            }],
        });
    }
}
