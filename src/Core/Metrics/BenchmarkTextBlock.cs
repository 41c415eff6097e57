using System.Globalization;
using System.Text;

namespace GpuBench.Core.Metrics;

/// <summary>
/// The "Serving Benchmark Result" block that <c>vllm bench serve</c> prints and users' scripts parse: same labels,
/// same order, label padded to 40 columns, values with two decimals.
/// </summary>
public static class BenchmarkTextBlock
{
    public const string Title = " Serving Benchmark Result ";
    private const int Width = 50;
    private const int LabelWidth = 40;

    /// <summary>The latency sections in vLLM's order: key, label name, section title.</summary>
    public static IReadOnlyList<(string Key, string Name, string Title)> Sections { get; } =
    [
        ("ttft", "TTFT", "Time to First Token"),
        ("tpot", "TPOT", "Time per Output Token (excl. 1st token)"),
        ("itl", "ITL", "Inter-token Latency"),
        ("e2el", "E2EL", "End-to-end Latency"),
    ];

    /// <summary>All four latency sections, as the article's command asked (vLLM's own default omits e2el).</summary>
    public static IReadOnlyList<string> AllMetrics { get; } = ["ttft", "tpot", "itl", "e2el"];

    /// <param name="metrics">The result to print.</param>
    /// <param name="percentileMetrics">vLLM's <c>--percentile-metrics</c>: which latency sections to print.</param>
    public static string Format(ServingMetrics metrics, IReadOnlyList<string>? percentileMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        percentileMetrics ??= AllMetrics;
        var text = new StringBuilder();
        void Line(string label, string value) => text.Append(label.PadRight(LabelWidth)).Append(' ').Append(value.PadRight(10)).Append('\n');
        void Int(string label, long value) => Line(label, value.ToString(CultureInfo.InvariantCulture));
        void Fixed(string label, double value) => Line(label, TwoDecimals(value));

        text.Append(Center(Title, '=')).Append('\n');
        Int("Successful requests:", metrics.Completed);
        // Newer vLLM prints this line always; the article's version never did. Printing it only when something
        // failed keeps clean runs identical to the files users already have.
        if (metrics.Failed > 0)
        {
            Int("Failed requests:", metrics.Failed);
        }

        if (metrics.MaxConcurrency is { } limit)
        {
            Int("Maximum request concurrency:", limit);
        }

        if (!double.IsPositiveInfinity(metrics.RequestRate))
        {
            Fixed("Request rate configured (RPS):", metrics.RequestRate);
        }

        Fixed("Benchmark duration (s):", metrics.Duration);
        Int("Total input tokens:", metrics.TotalInputTokens);
        Int("Total generated tokens:", metrics.TotalOutputTokens);
        Fixed("Request throughput (req/s):", metrics.RequestThroughput);
        if (metrics.RequestGoodput is { } goodput)
        {
            Fixed("Request goodput (req/s):", goodput);
        }

        Fixed("Output token throughput (tok/s):", metrics.OutputThroughput);
        Fixed("Peak output token throughput (tok/s):", metrics.MaxOutputTokensPerS);
        Fixed("Peak concurrent requests:", metrics.MaxConcurrentRequests);
        Fixed("Total Token throughput (tok/s):", metrics.TotalTokenThroughput);

        foreach (var (key, name, title) in Sections.Where(s => percentileMetrics.Contains(s.Key)))
        {
            var stats = StatsOf(metrics, key);
            text.Append(Center(title, '-')).Append('\n');
            Fixed($"Mean {name} (ms):", stats.Mean);
            Fixed($"Median {name} (ms):", stats.Median);
            foreach (var p in stats.Percentiles)
            {
                Fixed($"P{p.Word} {name} (ms):", p.Value);
            }
        }

        text.Append(new string('=', Width)).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// Reads the first result block in <paramref name="text"/> (a whole result file is fine). Text carries no std,
    /// no GpuBench figures and only the printed percentiles: <see cref="LatencyStats.Std"/> and
    /// <see cref="ServingMetrics.GpuBench"/> come back null, and an absent section has no percentiles.
    /// </summary>
    public static ServingMetrics Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.Contains(Title.Trim(), StringComparison.Ordinal));
        if (start < 0)
        {
            throw new FormatException("No \"Serving Benchmark Result\" block found in the text.");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("=====", StringComparison.Ordinal)))
        {
            var colon = line.LastIndexOf(':');
            if (colon > 0 && line[colon..].Length > 1)
            {
                values[line[..(colon + 1)].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        double Number(string label) => values.TryGetValue(label, out var v)
            ? double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)
            : throw new FormatException($"The result block has no \"{label}\" line.");
        double? Optional(string label) => values.ContainsKey(label) ? Number(label) : null;

        LatencyStats ReadStats(string name)
        {
            var prefix = "P";
            var suffix = $" {name} (ms):";
            var percentiles = values.Keys
                .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.EndsWith(suffix, StringComparison.Ordinal))
                .Select(k => (Label: k, Word: k[prefix.Length..^suffix.Length]))
                .Where(k => double.TryParse(k.Word, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                .Select(k => new PercentileValue(double.Parse(k.Word, CultureInfo.InvariantCulture), Number(k.Label)))
                .OrderBy(p => p.P)
                .ToArray();
            return new LatencyStats(Optional($"Mean{suffix}") ?? 0, Optional($"Median{suffix}") ?? 0, null, percentiles);
        }

        return new ServingMetrics
        {
            Completed = (int)Number("Successful requests:"),
            Failed = (int)(Optional("Failed requests:") ?? 0),
            MaxConcurrency = Optional("Maximum request concurrency:") is { } c ? (int)c : null,
            RequestRate = Optional("Request rate configured (RPS):") ?? double.PositiveInfinity,
            Duration = Number("Benchmark duration (s):"),
            TotalInputTokens = (long)Number("Total input tokens:"),
            TotalOutputTokens = (long)Number("Total generated tokens:"),
            RequestThroughput = Number("Request throughput (req/s):"),
            RequestGoodput = Optional("Request goodput (req/s):"),
            OutputThroughput = Number("Output token throughput (tok/s):"),
            MaxOutputTokensPerS = Optional("Peak output token throughput (tok/s):") ?? 0,
            MaxConcurrentRequests = (int)(Optional("Peak concurrent requests:") ?? 0),
            TotalTokenThroughput = Number("Total Token throughput (tok/s):"),
            Ttft = ReadStats("TTFT"),
            Tpot = ReadStats("TPOT"),
            Itl = ReadStats("ITL"),
            E2el = ReadStats("E2EL"),
        };
    }

    /// <summary>
    /// Python's <c>format(x, ".2f")</c>: the exact binary value correctly rounded, exact ties to even.
    /// .NET rounds exact ties away from zero, so those (x·8 an odd integer, e.g. 0.125) are rounded here first.
    /// </summary>
    public static string TwoDecimals(double value)
    {
        var eighths = value * 8;
        if (Math.Abs(eighths) < 1e15 && eighths == Math.Floor(eighths) && Math.Abs(eighths % 2) == 1)
        {
            value = Math.Round(value, 2, MidpointRounding.ToEven);
        }

        return value.ToString("F2", CultureInfo.InvariantCulture);
    }

    private static LatencyStats StatsOf(ServingMetrics metrics, string key) => key switch
    {
        "ttft" => metrics.Ttft,
        "tpot" => metrics.Tpot,
        "itl" => metrics.Itl,
        "e2el" => metrics.E2el,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Use ttft, tpot, itl or e2el."),
    };

    /// <summary>Python's <c>"{s:{c}^{n}}"</c>: centred, the odd fill character on the right.</summary>
    private static string Center(string s, char fill)
    {
        var left = (Width - s.Length) / 2;
        return new string(fill, Math.Max(0, left)) + s + new string(fill, Math.Max(0, Width - s.Length - left));
    }
}
