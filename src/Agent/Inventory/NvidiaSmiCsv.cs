using System.Globalization;

namespace GpuBench.Agent.Inventory;

/// <summary>
/// Reads `nvidia-smi --query-gpu=… --format=csv` output: a header row names the fields ("memory.total [MiB]"),
/// values carry their unit ("143771 MiB") and "[N/A]" marks what a GPU does not report.
/// </summary>
public static class NvidiaSmiCsv
{
    public static IReadOnlyList<NvidiaSmiRow> Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return [];
        }

        var fields = lines[0].Split(',').Select(h => FieldName(h.Trim())).ToArray();
        return lines.Skip(1)
            .Select(line => line.Split(',').Select(v => v.Trim()).ToArray())
            .Select(values => new NvidiaSmiRow(fields
                .Select((field, i) => (field, value: i < values.Length ? values[i] : null))
                .ToDictionary(p => p.field, p => p.value, StringComparer.Ordinal)))
            .ToArray();
    }

    // "memory.total [MiB]" -> "memory.total"
    private static string FieldName(string header)
    {
        var bracket = header.IndexOf(" [", StringComparison.Ordinal);
        return bracket < 0 ? header : header[..bracket];
    }
}

/// <summary>One GPU's row, by field name; accessors strip units and treat N/A as missing.</summary>
public sealed class NvidiaSmiRow(IReadOnlyDictionary<string, string?> values)
{
    public string? Text(string field) =>
        values.TryGetValue(field, out var value) && !IsMissing(value) ? value : null;

    public double? Number(string field)
    {
        var text = Text(field);
        if (text is null)
        {
            return null;
        }

        // Drop a trailing unit: "700.00 W", "143771 MiB", "0 %".
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var number = space < 0 ? text : text[..space];
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    public int? Integer(string field) => Number(field) is { } n ? (int)Math.Round(n) : null;

    private static bool IsMissing(string? value) =>
        string.IsNullOrEmpty(value) || value.Contains("N/A", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("[Not Supported", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("[Unknown", StringComparison.OrdinalIgnoreCase);
}
