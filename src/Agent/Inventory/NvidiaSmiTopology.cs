using System.Text.RegularExpressions;
using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Inventory;

/// <summary>
/// Reads the link matrix of `nvidia-smi topo -m`. The header row may be underlined with ANSI escapes; rows for
/// NICs and the affinity columns after the GPUs are ignored.
/// </summary>
public static partial class NvidiaSmiTopology
{
    public static IReadOnlyList<GpuLink> Parse(string text)
    {
        var lines = text.Split('\n').Select(l => AnsiEscape().Replace(l, "").TrimEnd('\r')).ToArray();
        var header = lines.FirstOrDefault(l => GpuName().IsMatch(l.Trim().Split('\t')[0]) && !l.Contains(" X ", StringComparison.Ordinal));
        if (header is null)
        {
            return [];
        }

        var columns = header.Split('\t').Select(c => c.Trim()).ToArray();
        var links = new List<GpuLink>();
        foreach (var line in lines.Where(l => l.StartsWith("GPU", StringComparison.Ordinal)))
        {
            var cells = line.Split('\t').Select(c => c.Trim()).ToArray();
            if (!TryGpuIndex(cells[0], out var from))
            {
                continue;
            }

            for (var c = 1; c < cells.Length && c < columns.Length; c++)
            {
                if (TryGpuIndex(columns[c], out var to) && to > from && cells[c] is { Length: > 0 } kind && kind != "X")
                {
                    links.Add(new GpuLink(from, to, kind));
                }
            }
        }

        return links;
    }

    private static bool TryGpuIndex(string cell, out int index)
    {
        var match = GpuName().Match(cell);
        index = match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
        return match.Success;
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"^GPU(\d+)$")]
    private static partial Regex GpuName();
}
