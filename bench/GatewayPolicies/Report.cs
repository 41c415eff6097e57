using System.Globalization;
using System.Text;
using GpuBench.Core.Metrics;

namespace GpuBench.GatewayPolicies;

/// <summary>The comparison as a Markdown table, one row per policy, then each replica's share.</summary>
public static class Report
{
    public static string Table(IReadOnlyList<PolicyResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| policy | req/s | out tok/s | TTFT p50 ms | TTFT p99 ms | E2EL p50 ms | E2EL p99 ms | failed |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var result in results)
        {
            var ok = result.Requests.Where(r => r.Ok).ToArray();
            var seconds = result.Elapsed.TotalSeconds;
            var ttft = Sorted(ok.Select(r => r.TtftMs));
            var e2el = Sorted(ok.Select(r => r.E2elMs));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {result.Policy} | {ok.Length / seconds:F2} | {ok.Sum(r => r.OutputLen) / seconds:F0} | {P(ttft, 50):F0} | {P(ttft, 99):F0} | {P(e2el, 50):F0} | {P(e2el, 99):F0} | {result.Failures} |");
        }

        text.AppendLine();
        text.AppendLine("| policy | replica | output tokens | waiting mean | waiting max | preemptions |");
        text.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var result in results)
        {
            for (var i = 0; i < result.Replicas.Count; i++)
            {
                var replica = result.Replicas[i];
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {result.Policy} | {i} ({replica.Gpu}) | {replica.OutputTokens:F0} | {replica.MeanWaiting:F1} | {replica.MaxWaiting:F0} | {replica.Preemptions:F0} |");
            }
        }

        return text.ToString();
    }

    private static double[] Sorted(IEnumerable<double> values) => values.Order().ToArray();

    private static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : SampleStatistics.Percentile(sorted, p);
}
