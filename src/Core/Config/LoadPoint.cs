using System.Globalization;

namespace GpuBench.Core.Config;

/// <summary>One load of a sweep: a concurrency limit or a request rate, and the folder its results go to.</summary>
public sealed record LoadPoint(LoadKind Kind, double Value)
{
    /// <summary>c&lt;N&gt; for a concurrency, r&lt;RATE&gt; for a rate (invariant culture, shortest round-trip form).</summary>
    public string Name => Kind switch
    {
        LoadKind.MaxConcurrency => "c" + ((long)Value).ToString(CultureInfo.InvariantCulture),
        _ => "r" + Value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary><paramref name="workload"/> driven at this load: the swept parameter replaced, the rest as config.yml gave it.</summary>
    public WorkloadSpec ApplyTo(WorkloadSpec workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return Kind switch
        {
            LoadKind.MaxConcurrency => workload with { MaxConcurrency = (int)Value },
            _ => workload with { RequestRate = Value },
        };
    }

    /// <summary>The point a folder name (c32, r2.5) stands for; null for any other name.</summary>
    public static LoadPoint? Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length < 2 || !double.TryParse(name.AsSpan(1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            return null;
        }

        return name[0] switch
        {
            'c' when value == Math.Floor(value) => new LoadPoint(LoadKind.MaxConcurrency, value),
            'r' => new LoadPoint(LoadKind.RequestRate, value),
            _ => null,
        };
    }

    public override string ToString() => Name;
}
