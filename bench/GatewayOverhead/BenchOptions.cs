using System.Globalization;
using GpuBench.GatewayOverhead.Replicas;

namespace GpuBench.GatewayOverhead;

/// <summary>Command-line settings of a run; every one has a default, `--help` lists them.</summary>
internal sealed record BenchOptions(
    int[] Streams,
    int Replicas,
    EmissionSchedule Schedule,
    TimeSpan Prime,
    TimeSpan Warmup,
    TimeSpan Duration,
    string? NginxPath,
    bool SkipNginx,
    string NginxWorkers,
    GatewayVariant[] Variants,
    int Rounds,
    string? Out)
{
    public const string Usage = """
        GpuBench.GatewayOverhead [run] [options]   direct vs gateway vs NGINX over the same replicas, same load
          --streams 400,1000      concurrent SSE streams, one run per value
          --replicas 4            stand-in engine replicas (one process, one port each)
          --ttft-ms 20            replica delay before the first chunk
          --interval-ms 40        replica delay between chunks (40 ms = 25 tokens/s per stream)
          --chunks 64             chunks per stream
          --chunk-bytes 200       size of one SSE chunk
          --prime 15              seconds of unmeasured load on each path once, before all runs (JIT warm-up)
          --warmup 5              seconds before each measurement window
          --duration 20           seconds measured
          --nginx PATH            nginx executable (default: /usr/sbin/nginx if present)
          --skip-nginx            run direct and gateway only
          --nginx-workers auto    worker_processes
          --gateway-variants SPEC one gateway process per variant, each measured as its own path:
                                  NAME:ITEM,ITEM;NAME:ITEM...  ITEM is a gateway setting (--Gateway:X=Y)
                                  or an environment variable (DOTNET_X=Y); default "gateway:" (as shipped)
          --rounds 1              times every path is measured at each number of streams; the order of the paths
                                  turns by one each round, and each path is compared with direct of its round
          --out FILE              also write the results as JSON, and each gateway's runtime metrics, one line a
                                  second, to FILE-runtime/NAME.csv (without --out: a temporary folder)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'\n{Usage}");
            }

            var flag = args[i] is "--skip-nginx";
            values[args[i][2..]] = flag ? "true" : i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        }

        string Get(string key, string fallback) => values.Remove(key, out var v) ? v : fallback;
        int Int(string key, int fallback) => int.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var options = new BenchOptions(
            Get("streams", "400,1000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            Int("replicas", 4),
            new EmissionSchedule(TimeSpan.FromMilliseconds(Int("ttft-ms", 20)), TimeSpan.FromMilliseconds(Int("interval-ms", 40)), Int("chunks", 64), Int("chunk-bytes", 200)),
            TimeSpan.FromSeconds(Int("prime", 15)),
            TimeSpan.FromSeconds(Int("warmup", 5)),
            TimeSpan.FromSeconds(Int("duration", 20)),
            values.Remove("nginx", out var nginx) ? nginx : null,
            values.Remove("skip-nginx"),
            Get("nginx-workers", "auto"),
            GatewayVariant.ParseAll(Get("gateway-variants", "gateway:")),
            Int("rounds", 1),
            values.Remove("out", out var output) ? output : null);
        if (options.Rounds < 1)
        {
            throw new ArgumentException($"--rounds must be 1 or more (was {options.Rounds})");
        }

        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown option(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}\n{Usage}");
        }

        return options;
    }

    /// <summary>The replica process's own arguments, carrying the schedule.</summary>
    public IEnumerable<string> ReplicaArguments(IEnumerable<int> ports) =>
    [
        "replicas", string.Join(',', ports),
        Schedule.Ttft.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
        Schedule.Interval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
        Schedule.Chunks.ToString(CultureInfo.InvariantCulture),
        Schedule.ChunkBytes.ToString(CultureInfo.InvariantCulture),
    ];

    public static (int[] Ports, EmissionSchedule Schedule) ParseReplicaArguments(string[] args) =>
    (
        args[0].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray(),
        new EmissionSchedule(
            TimeSpan.FromMilliseconds(double.Parse(args[1], CultureInfo.InvariantCulture)),
            TimeSpan.FromMilliseconds(double.Parse(args[2], CultureInfo.InvariantCulture)),
            int.Parse(args[3], CultureInfo.InvariantCulture),
            int.Parse(args[4], CultureInfo.InvariantCulture))
    );
}

/// <summary>A gateway started with extra settings or environment, measured as a path of its own.</summary>
internal sealed record GatewayVariant(string Name, string[] Settings, Dictionary<string, string> Environment)
{
    public static GatewayVariant[] ParseAll(string spec) => spec
        .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(Parse)
        .ToArray();

    private static GatewayVariant Parse(string spec)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? spec : spec[..colon];
        if (name.Length == 0 || name is "direct" or "nginx")
        {
            throw new ArgumentException($"--gateway-variants: '{spec}' needs a name other than direct or nginx");
        }

        var items = colon < 0 ? [] : spec[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items.Where(i => !i.StartsWith("--", StringComparison.Ordinal)))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--gateway-variants: '{item}' is neither --Gateway:X=Y nor NAME=VALUE");
            }

            environment[item[..equals]] = item[(equals + 1)..];
        }

        return new GatewayVariant(name, items.Where(i => i.StartsWith("--", StringComparison.Ordinal)).ToArray(), environment);
    }
}
