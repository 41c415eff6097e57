namespace GpuBench.Core.Config;

/// <summary>"Did you mean …?" for misspelt keys and names, by edit distance.</summary>
public static class Suggestions
{
    /// <summary>The candidate nearest to <paramref name="input"/>, or null when none is close enough to be a typo.</summary>
    public static string? Nearest(string input, IEnumerable<string> candidates)
    {
        // A third of the word (at least two edits) separates a typo from a different word.
        var budget = Math.Max(2, input.Length / 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(input.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return bestDistance <= budget ? best : null;
    }

    /// <summary>"; did you mean 'x'?" or nothing.</summary>
    public static string DidYouMean(string input, IEnumerable<string> candidates) =>
        Nearest(input, candidates) is { } nearest ? $"; did you mean '{nearest}'?" : "";

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
