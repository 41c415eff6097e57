namespace GpuBench.Reporting.Charts;

/// <summary>One rendered chart: a PNG and the words that stand in for it where images are not shown.</summary>
public sealed record Chart(string Id, string Title, string AltText, byte[] Png, int Width, int Height)
{
    public string FileName => $"{Id}.png";
}

/// <summary>Tokens generated in each second of one run, from its per-request records.</summary>
public sealed record TokenTimeline(string Label, IReadOnlyList<double> TokensPerSecond);

/// <summary>A model's charts, and why a chart is missing when one is.</summary>
public sealed record ModelCharts(IReadOnlyList<Chart> Charts, string? Note)
{
    public static ModelCharts None { get; } = new([], null);
}
