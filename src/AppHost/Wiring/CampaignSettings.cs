using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;

namespace GpuBench.AppHost.Wiring;

/// <summary>
/// What the AppHost needs from the campaign's config: its path (--config, default the repository's config.yml),
/// the trace sampling ratio, the local boxes to simulate (one agent each) and the runs planned on them, planned as
/// the controller plans them (<see cref="RunPlanner"/>), so the dashboard shows their engines and gateways.
/// </summary>
public sealed record CampaignSettings(
    string ConfigPath, string RepositoryRoot, double TraceSamplingRatio, IReadOnlyList<ServerSpec> LocalServers, IReadOnlyList<PlannedRun> LocalRuns)
{
    /// <summary>The AppHost's own argument or setting naming the config file (`dotnet run --project src/AppHost -- --config x.yml`).</summary>
    public const string ConfigKey = "config";

    /// <summary>
    /// A folder of this machine's own per config file: the agent's data (results awaiting the controller, engine
    /// logs, pid records of its children, so a restarted AppHost stops what its crashed predecessor left and never
    /// what another checkout's agent is running) and the local bundle.
    /// </summary>
    public string StateDirectory => Path.Combine(Path.GetTempPath(),
        $"gpubench-apphost-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ConfigPath)))[..12]}");

    /// <summary>The data directory of one local server's agent.</summary>
    public string AgentDataDirectory(ServerSpec server) => Path.Combine(StateDirectory, AgentDiscovery.ResourceName(server.Name));

    public string BundleDirectory => Path.Combine(StateDirectory, "bundle");

    /// <summary>The runs the controller will deploy on one local server, in the order it runs them.</summary>
    public IEnumerable<PlannedRun> RunsOn(ServerSpec server) => LocalRuns.Where(r => r.Server == server);

    public static CampaignSettings From(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // src/AppHost → the repository root, where config.yml and results/ live.
        var root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
        var path = builder.Configuration[ConfigKey] is { Length: > 0 } given
            ? Path.GetFullPath(given)
            : Path.Combine(root, ConfigLoader.DefaultFileName);

        // An invalid config still starts the AppHost: the controller then prints every error, as `gpubench validate` does.
        var config = File.Exists(path) ? ConfigLoader.Load(path).Config : null;
        var local = config?.Servers.Where(s => s.Ssh is null).ToArray() ?? [];
        var runs = config is null ? [] : new RunPlanner(GpuCatalog.Default).Plan(config).Runs;
        return new CampaignSettings(
            path,
            root,
            config?.Telemetry.TraceSamplingRatio ?? TelemetrySettings.DefaultTraceSamplingRatio,
            local,
            [.. runs.Where(r => local.Contains(r.Server))]);
    }
}
