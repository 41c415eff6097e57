using System.Globalization;
using System.Text;

namespace GpuBench.GatewayOverhead.Results;

/// <summary>The Markdown tables of a whole run: every round, then the summary over rounds and gateway vs NGINX.</summary>
internal static class ResultTable
{
    public static string Render(RoundSummary summary)
    {
        var text = new StringBuilder();
        text.AppendLine("| streams | round | path | chunks/s | TTFT p50 / p99 ms | added TTFT p50 / p99 ms | chunk delay p50 / p99 ms | added chunk p50 / p99 ms | proxy CPU (cores) | CPU ms / 1k chunks | machine busy | streams done | errors |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in summary.Runs)
        {
            var added = Added.To(r, summary.Runs);
            text.AppendLine(Invariant($"| {r.Streams} | {r.Round} | {r.Path} | {r.ChunksPerSecond:F0} | {r.TtftP50Ms:F2} / {r.TtftP99Ms:F2} | {Signed(added.TtftP50Ms)} / {Signed(added.TtftP99Ms)} | {r.ChunkP50Ms:F2} / {r.ChunkP99Ms:F2} | {Signed(added.ChunkP50Ms)} / {Signed(added.ChunkP99Ms)} | {Opt(r.ProxyCpuCores, "F2")} | {Opt(r.CpuMsPerThousandChunks, "F1")} | {r.MachineBusyPercent:F0}% | {r.StreamsCompleted} | {r.Errors} |"));
        }

        text.AppendLine();
        text.AppendLine("Over the rounds, each against direct in its own round: median (min..max).");
        text.AppendLine();
        text.AppendLine("| streams | path | rounds | added TTFT p50 ms | added TTFT p99 ms | added chunk p50 ms | added chunk p99 ms | chunks/s / direct | proxy CPU (cores) | CPU ms / 1k chunks |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in summary.Paths)
        {
            text.AppendLine(Invariant($"| {p.Streams} | {p.Path} | {p.Rounds} | {Median(p.AddedTtftP50Ms)} | {Median(p.AddedTtftP99Ms)} | {Median(p.AddedChunkP50Ms)} | {Median(p.AddedChunkP99Ms)} | {Median(p.ChunksPerSecondRatioToDirect, Fixed("F3"))} | {Median(p.ProxyCpuCores, Fixed("F2"))} | {Median(p.CpuMsPerThousandChunks, Fixed("F1"))} |"));
        }

        if (summary.Paired.Length > 0)
        {
            text.AppendLine();
            text.AppendLine("Gateway vs NGINX, round by round: gateway's added p99 minus NGINX's (ms; ≤ 0: no worse), chunks/s gateway / NGINX.");
            text.AppendLine();
            text.AppendLine("| streams | gateway | added TTFT p99 difference per round | median | rounds no worse | added chunk p99 difference per round | median | rounds no worse | chunks/s ratio |");
            text.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var c in summary.Paired)
            {
                text.AppendLine(Invariant($"| {c.Streams} | {c.Gateway} | {Each(c.AddedTtftP99DifferencesMs)} | {Signed(c.AddedTtftP99DifferenceMs.Median)} | {c.RoundsTtftNoWorse}/{c.Rounds} | {Each(c.AddedChunkP99DifferencesMs)} | {Signed(c.AddedChunkP99DifferenceMs.Median)} | {c.RoundsChunkNoWorse}/{c.Rounds} | {Median(c.ChunksPerSecondRatio, Fixed("F3"))} |"));
            }
        }

        return text.ToString();
    }

    private static string Signed(double value) => value.ToString("+0.00;-0.00", CultureInfo.InvariantCulture);

    private static string Each(double[] values) => string.Join(", ", values.Select(Signed));

    private static string Median(Spread? spread, Func<double, string>? format = null)
    {
        format ??= Signed;
        return spread is null ? "–" : $"{format(spread.Median)} ({format(spread.Min)}..{format(spread.Max)})";
    }

    private static Func<double, string> Fixed(string format) => value => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Opt(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "–";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
