using System.Text.RegularExpressions;
using GpuBench.Core.Planning;

namespace GpuBench.Reporting.Import;

/// <summary>
/// Recovers the serving layout from the compose file the article's tool used: one vllm_N service per replica, its
/// tensor/pipeline-parallel flags and the GPU ids it reserved.
/// </summary>
public static partial class ComposeLayout
{
    public static Layout Parse(string compose)
    {
        var replicas = EngineServices(compose).ToList();
        if (replicas.Count == 0)
        {
            throw new FormatException("The compose configuration has no vllm_N service, so the serving layout is unknown.");
        }

        var first = CommandLineFlags.Parse(replicas[0]);
        var tp = first.Int("--tensor-parallel-size") ?? 1;
        var pp = first.Int("--pipeline-parallel-size") ?? 1;
        var placements = replicas
            .Select((service, index) => new ReplicaPlacement(index, DeviceIds(service, index, tp * pp)))
            .ToArray();
        return new Layout(replicas.Count, tp, pp, placements);
    }

    /// <summary>The text of each vllm_N service block, in file order.</summary>
    private static IEnumerable<string> EngineServices(string compose)
    {
        var lines = compose.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!EngineServiceHeader().IsMatch(lines[i]))
            {
                continue;
            }

            var end = i + 1;
            while (end < lines.Length && !ServiceHeader().IsMatch(lines[end]))
            {
                end++;
            }

            yield return string.Join('\n', lines[(i + 1)..end]);
            i = end - 1;
        }
    }

    private static int[] DeviceIds(string service, int replica, int gpusPerReplica)
    {
        var match = DeviceIdList().Match(service);
        return match.Success
            ? [.. GpuId().Matches(match.Groups[1].Value).Select(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture))]
            : [.. Enumerable.Range(replica * gpusPerReplica, gpusPerReplica)];
    }

    [GeneratedRegex(@"^  vllm(_[0-9]+)?:\s*$")]
    private static partial Regex EngineServiceHeader();

    [GeneratedRegex(@"^  [A-Za-z0-9_.-]+:\s*$")]
    private static partial Regex ServiceHeader();

    [GeneratedRegex(@"device_ids:\s*\[([^\]]*)\]")]
    private static partial Regex DeviceIdList();

    [GeneratedRegex(@"[0-9]+")]
    private static partial Regex GpuId();
}
