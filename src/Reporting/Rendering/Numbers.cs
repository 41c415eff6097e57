using System.Globalization;

namespace GpuBench.Reporting.Rendering;

/// <summary>How the report writes figures for people: "2,259 tok/s", "$0.048", "no price". Invariant culture throughout.</summary>
public static class Numbers
{
    public const string NoPrice = "no price";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string TokensPerS(double value) => value.ToString("N0", Invariant);

    public static string UsdPerHour(double? usd) => usd is { } v ? "$" + v.ToString("0.00##", Invariant) : NoPrice;

    /// <summary>Three decimals, as the article writes $/Mtok; small values keep three significant digits.</summary>
    public static string UsdPerMtok(double? usd) => usd switch
    {
        null => NoPrice,
        >= 0.01 => "$" + usd.Value.ToString("0.000", Invariant),
        _ => "$" + usd.Value.ToString("G3", Invariant),
    };

    public const string NotMeasured = "—";

    public static string Milliseconds(double? ms) => ms is { } v ? v.ToString(v >= 100 ? "N0" : "0.0", Invariant) : NotMeasured;

    public static string Percent(double? fraction) => fraction is { } f ? f.ToString("P0", Invariant).Replace(" ", "", StringComparison.Ordinal) : NotMeasured;
}
