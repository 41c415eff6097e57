using YamlDotNet.RepresentationModel;

namespace GpuBench.Core.Config;

/// <summary>
/// Reads workloads[].sweep: a grid (<c>max_concurrency: [..]</c> or <c>request_rate: [..]</c>) or a search
/// (<c>search: max_concurrency|request_rate, min, max</c>), refusing the contradictions at their line and column.
/// </summary>
internal sealed class SweepReader(ConfigDiagnostics diagnostics)
{
    public const string ConcurrencyKey = "max_concurrency";
    public const string RateKey = "request_rate";

    private static readonly string[] Keys = [ConcurrencyKey, RateKey, "search", "min", "max"];
    private static readonly Dictionary<string, LoadKind> Kinds = new() { [ConcurrencyKey] = LoadKind.MaxConcurrency, [RateKey] = LoadKind.RequestRate };

    /// <summary>The sweep of <paramref name="workload"/>; null when it has none or it cannot be read.</summary>
    public SweepSpec? Read(YamlMap workload, bool hasSlo)
    {
        if (workload.Map("sweep", Keys) is not { } map)
        {
            return null;
        }

        var grids = Kinds.Keys.Where(map.Has).ToArray();
        if (grids.Length > 1)
        {
            diagnostics.Error(map.Child(RateKey), "give one grid, max_concurrency or request_rate, not both: a sweep varies one load parameter");
            return null;
        }

        if (map.Has("search"))
        {
            if (grids.Length == 1)
            {
                diagnostics.Error(map.Child("search"), $"set either a grid ({grids[0]}: [..]) or a search, not both");
                return null;
            }

            return ReadSearch(map, hasSlo);
        }

        foreach (var bound in new[] { "min", "max" }.Where(map.Has))
        {
            diagnostics.Error(map.Child(bound), $"{bound} bounds a search; a grid lists its loads (add search: max_concurrency or search: request_rate, or remove {bound})");
        }

        if (grids.Length == 0)
        {
            diagnostics.Error(map.Path, map.Start,
                "expected a grid (max_concurrency: [1, 8, 32] or request_rate: [1, 2.5]) or a search (search: max_concurrency, min: 1, max: 1024)");
            return null;
        }

        return ReadGrid(map, grids[0]);
    }

    private SweepSpec? ReadGrid(YamlMap map, string key)
    {
        var kind = Kinds[key];
        var items = map.List(key) ?? [];
        if (map.Node(key) is { } node && node is YamlSequenceNode && items.Count == 0)
        {
            diagnostics.Error(map.Child(key), node.Start, "expected at least one load, got an empty list");
            return null;
        }

        var loads = new List<double>();
        foreach (var (item, path) in items)
        {
            if (Load(item, path, kind) is not { } load)
            {
                continue;
            }

            if (loads.Contains(load))
            {
                diagnostics.Error(path, item.Start, $"{new LoadPoint(kind, load).Name} is listed twice; each point has one results folder");
                continue;
            }

            loads.Add(load);
        }

        return loads.Count == items.Count && loads.Count > 0 ? new SweepSpec { Kind = kind, Grid = loads } : null;
    }

    private SweepSpec? ReadSearch(YamlMap map, bool hasSlo)
    {
        var kind = map.Choice("search", Kinds);
        if (!hasSlo)
        {
            diagnostics.Error(map.Child("search"),
                "a search looks for the highest load meeting the workload's SLO; add slo: { ttft_ms: .., tpot_ms: .. } to the workload, or list the loads as a grid");
        }

        if (kind is not { } k)
        {
            return null;
        }

        var min = map.Node("min", required: true) is { } minNode ? Load(minNode, map.Child("min"), k) : null;
        var max = map.Node("max", required: true) is { } maxNode ? Load(maxNode, map.Child("max"), k) : null;
        if (min > max)
        {
            diagnostics.Error(map.Child("min"), $"min ({min}) is above max ({max})");
            return null;
        }

        return hasSlo && min is not null && max is not null ? new SweepSpec { Kind = k, Search = true, Min = min, Max = max } : null;
    }

    /// <summary>A positive integer for a concurrency, a positive number for a rate.</summary>
    private double? Load(YamlNode node, string path, LoadKind kind) => kind == LoadKind.MaxConcurrency
        ? Values.Int(node, path, 1, diagnostics)
        : Values.Number(node, path, NumberRange.Positive with { Expected = "a positive number of requests per second" }, diagnostics);
}
