namespace GpuBench.Reporting.Pricing;

/// <summary>Dollars per million tokens, as the seed article computes it.</summary>
public static class TokenCost
{
    /// <summary>
    /// usd_per_hour / (tokens_per_s × 3600) × 1e6. With total (input + output) tokens/s this is the article's figure;
    /// with output tokens/s it is what generated text costs.
    /// </summary>
    public static double? UsdPerMillionTokens(double? usdPerHour, double tokensPerS) =>
        usdPerHour is { } usd && tokensPerS > 0 ? usd / (tokensPerS * 3600) * 1e6 : null;
}
