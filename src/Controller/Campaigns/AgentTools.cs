using GpuBench.Controller.Ssh;
using GpuBench.Core.Config;

namespace GpuBench.Controller.Campaigns;

/// <summary>
/// The programs a box needs, as command lines valid on that box: the agent itself, the gateway the agent starts
/// in front of each deployment, the simulator (engine kind sim) and vLLM (engine kind vllm, process runtime).
/// </summary>
public sealed record AgentTools(IReadOnlyList<string> Agent, IReadOnlyList<string> Gateway, IReadOnlyList<string> Simulator)
{
    /// <summary>vLLM's command up to its flags when config.yml's engine `command` is not set; the box's own `vllm` on its PATH.</summary>
    public IReadOnlyList<string> Vllm { get; init; } = ["vllm", "serve"];

    /// <summary>
    /// The program and leading arguments for <paramref name="engine"/>: the simulator as `vllm serve` is called
    /// (`simulator serve`, so it gets the model where vLLM's CLI takes it) for kind sim, else config.yml's `command`,
    /// else <see cref="Vllm"/>. Empty when the box has no simulator.
    /// </summary>
    public IReadOnlyList<string> EngineCommand(EngineSettings engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (engine.Kind == EngineKind.Sim)
        {
            return Simulator.Count == 0 ? [] : [.. Simulator, Core.Engines.VllmCliContract.ServeSubcommand];
        }

        return engine.Command ?? Vllm;
    }

    /// <summary>Where each program lives in a bundle (a self-contained publish of each into its own folder).</summary>
    public const string AgentPath = "agent/GpuBench.Agent";
    public const string GatewayPath = "gateway/GpuBench.Gateway";
    public const string SimulatorPath = "simulator/GpuBench.Simulator";

    /// <summary>The programs of a bundle directory at <paramref name="root"/> (as the box that holds it names it).</summary>
    public static AgentTools InBundle(string root) =>
        new([$"{root}/{AgentPath}"], [$"{root}/{GatewayPath}"], [$"{root}/{SimulatorPath}"]);

    /// <summary>
    /// The programs for a local agent: from <paramref name="bundle"/> when given, else installed next to gpubench
    /// (a publish of the whole solution into one folder), as apphosts or as dlls run by dotnet. Null when not found.
    /// </summary>
    public static AgentTools? FindLocal(string? bundle, string? besideDirectory = null)
    {
        if (bundle is not null)
        {
            var tools = InBundle(Path.GetFullPath(bundle));
            return File.Exists(tools.Agent[0]) ? tools : null;
        }

        var beside = besideDirectory ?? AppContext.BaseDirectory;
        var agent = Program(beside, "GpuBench.Agent");
        var gateway = Program(beside, "GpuBench.Gateway");
        var simulator = Program(beside, "GpuBench.Simulator");
        return agent is null || gateway is null ? null : new AgentTools(agent, gateway, simulator ?? []);
    }

    /// <summary>The programs of the bundle `gpubench bundle` stored for this machine's runtime id; null when there is none.</summary>
    public static AgentTools? FromStore(BundleStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return RuntimeIds.ThisMachine is { } runtimeId && store.Find(runtimeId) is { } bundle ? InBundle(bundle.Directory) : null;
    }

    /// <summary>Names the simulator (an executable or a .dll) for an agent this process did not start (the AppHost's).</summary>
    public const string SimulatorVariable = "GPUBENCH_SIMULATOR";

    /// <summary>
    /// The programs of an agent someone else started: only the simulator matters (the agent has its gateway),
    /// from <see cref="SimulatorVariable"/>; empty when unset, so a sim run fails with that reason.
    /// </summary>
    public static AgentTools ForStartedAgent() =>
        new([], [], Environment.GetEnvironmentVariable(SimulatorVariable) is { Length: > 0 } simulator
            ? simulator.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? [DotNet, simulator] : [simulator]
            : []);

    private static string[]? Program(string directory, string name)
    {
        var apphost = Path.Combine(directory, name);
        if (File.Exists(apphost) && !OperatingSystem.IsWindows())
        {
            return [apphost];
        }

        var dll = Path.Combine(directory, name + ".dll");
        return File.Exists(dll) ? [DotNet, dll] : null;
    }

    /// <summary>The dotnet host running this process when it is one, so children use the same runtime.</summary>
    public static string DotNet => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
