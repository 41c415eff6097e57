using GpuBench.Reporting.Pricing;

namespace GpuBench.Reporting.Tests;

/// <summary>The prices the seed article used ($ per GPU-hour); it gave none for the L40S.</summary>
internal static class SeedPrices
{
    public static PriceTable Article { get; } = new([new("rtx4090", 0.39), new("rtx5090", 0.65), new("pro6000", 1.29)]);
}
