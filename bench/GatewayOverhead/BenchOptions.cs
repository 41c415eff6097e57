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
          --out FILE              also write the results as JSON
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
            values.Remove("out", out var output) ? output : null);
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
