using System.Globalization;

namespace GpuBench.Reporting.Pricing;

/// <summary>Rental price per GPU-hour in US dollars, by GPU type id. A type that is absent has no price, never $0.</summary>
public sealed class PriceTable
{
    private readonly Dictionary<string, double> _usdPerGpuHour;

    public PriceTable(IEnumerable<KeyValuePair<string, double>> usdPerGpuHour)
    {
        _usdPerGpuHour = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var (type, usd) in usdPerGpuHour)
        {
            _usdPerGpuHour[type] = Validate(type, usd);
        }
    }

    public static PriceTable Empty { get; } = new([]);

    /// <summary>The prices of config.yml (<c>BenchConfig.Prices</c>), $ per GPU-hour by GPU type.</summary>
    public static PriceTable FromConfig(IReadOnlyDictionary<string, decimal> prices) =>
        new(prices.Select(p => KeyValuePair.Create(p.Key, (double)p.Value)));

    public IReadOnlyDictionary<string, double> Prices => _usdPerGpuHour;

    public double? UsdPerGpuHour(string gpuType) =>
        _usdPerGpuHour.TryGetValue(gpuType, out var usd) ? usd : null;

    /// <summary>A copy where each override replaces (or adds) the price of its GPU type.</summary>
    public PriceTable With(IEnumerable<KeyValuePair<string, double>> overrides) =>
        new(_usdPerGpuHour.Concat(overrides));

    /// <summary>Parses a command-line override, "rtx4090=0.45" ($ per GPU-hour).</summary>
    public static KeyValuePair<string, double> ParseOverride(string text)
    {
        var parts = text.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[0].Length == 0
            || !double.TryParse(parts[1].TrimStart('$'), NumberStyles.Float, CultureInfo.InvariantCulture, out var usd))
        {
            throw new FormatException(
                $"--price '{text}' is not TYPE=USD; write the GPU type and its dollars per GPU-hour, e.g. --price rtx4090=0.45.");
        }

        return new(parts[0], Validate(parts[0], usd));
    }

    private static double Validate(string type, double usd) =>
        double.IsFinite(usd) && usd > 0
            ? usd
            : throw new FormatException(
                $"The price of '{type}' must be a positive number of dollars per GPU-hour (got {usd.ToString(CultureInfo.InvariantCulture)}); leave a GPU out to show it as 'no price'.");
}
