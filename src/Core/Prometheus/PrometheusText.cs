using System.Globalization;

namespace GpuBench.Core.Prometheus;

/// <summary>One sample line of the Prometheus text format: name, labels, value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// Reads the Prometheus text exposition format as vLLM's /metrics serves it (names like vllm:num_requests_running,
/// labels with quoted values, NaN/+Inf). Comments, HELP and TYPE lines are skipped.
/// </summary>
public static class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            string name;
            string rest;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (brace >= 0 && (space < 0 || brace < space))
            {
                name = line[..brace];
                var end = ParseLabels(line, brace + 1, labels);
                if (end >= line.Length)
                {
                    // A label set that never closes (a truncated line): nothing on it can be trusted.
                    continue;
                }

                rest = line[(end + 1)..];
            }
            else if (space > 0)
            {
                name = line[..space];
                rest = line[space..];
            }
            else
            {
                continue;
            }

            // The value may be followed by a timestamp.
            var valueText = rest.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (valueText is not null && TryParseValue(valueText, out var value))
            {
                samples.Add(new PrometheusSample(name, labels, value));
            }
        }

        return samples;
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    // Reads name="value" pairs (values may contain escaped quotes and commas) and returns the index of '}'.
    private static int ParseLabels(string line, int i, Dictionary<string, string> labels)
    {
        while (i < line.Length && line[i] != '}')
        {
            var equals = line.IndexOf('=', i);
            if (equals < 0)
            {
                return line.Length;
            }

            var key = line[i..equals].Trim().TrimStart(',').Trim();
            var value = new System.Text.StringBuilder();
            var j = equals + 2; // skip ="
            for (; j < line.Length && line[j] != '"'; j++)
            {
                if (line[j] == '\\' && j + 1 < line.Length)
                {
                    j++;
                    value.Append(line[j] == 'n' ? '\n' : line[j]);
                }
                else
                {
                    value.Append(line[j]);
                }
            }

            labels[key] = value.ToString();
            i = j + 1;
            while (i < line.Length && (line[i] == ',' || line[i] == ' '))
            {
                i++;
            }
        }

        return i;
    }
}
