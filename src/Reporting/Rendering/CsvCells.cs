using System.Globalization;
using System.Text;

namespace GpuBench.Reporting.Rendering;

/// <summary>How the report's CSV files write cells: invariant culture, fixed decimals, an empty cell for a missing figure (never 0), RFC 4180 quoting.</summary>
public static class CsvCells
{
    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Fixed(double? value, int decimals) =>
        value is { } v ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "";

    /// <summary>Appends one line of cells, quoted where a cell needs it.</summary>
    public static void AppendRow(StringBuilder csv, IEnumerable<string> cells)
    {
        ArgumentNullException.ThrowIfNull(csv);
        csv.AppendJoin(',', cells.Select(Quote)).Append('\n');
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
