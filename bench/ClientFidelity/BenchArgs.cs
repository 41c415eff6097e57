using System.Globalization;

namespace GpuBench.Bench.ClientFidelity;

/// <summary>Command-line settings of both halves; "--name value" pairs with defaults.</summary>
public sealed record BenchArgs
{
    public int Port { get; init; } = 8100;

    public Uri Url { get; init; } = new("http://127.0.0.1:8100/");

    /// <summary>Concurrent streams per level (each level is one run with that many requests, all in flight at once).</summary>
    public int[] Streams { get; init; } = [100, 400, 1000, 2000];

    /// <summary>Chunks per stream, one token each.</summary>
    public int Chunks { get; init; } = 200;

    public double TtftMs { get; init; } = 50;

    public double ItlMs { get; init; } = 20;

    /// <summary>Server threads that write the chunks (each owns a share of the streams).</summary>
    public int Emitters { get; init; } = 4;

    public static BenchArgs Parse(string[] args)
    {
        var settings = new BenchArgs();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            settings = args[i] switch
            {
                "--port" => settings with { Port = int.Parse(value, CultureInfo.InvariantCulture) },
                "--url" => settings with { Url = new Uri(value.EndsWith('/') ? value : value + "/") },
                "--streams" => settings with { Streams = [.. value.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] },
                "--chunks" => settings with { Chunks = int.Parse(value, CultureInfo.InvariantCulture) },
                "--ttft-ms" => settings with { TtftMs = double.Parse(value, CultureInfo.InvariantCulture) },
                "--itl-ms" => settings with { ItlMs = double.Parse(value, CultureInfo.InvariantCulture) },
                "--emitters" => settings with { Emitters = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return settings;
    }

    public static int Usage()
    {
        Console.Error.WriteLine("""
            ClientFidelity server [--port 8100] [--ttft-ms 50] [--itl-ms 20] [--emitters 4]
            ClientFidelity client [--url http://127.0.0.1:8100] [--streams 100,400,1000,2000] [--chunks 200]
            """);
        return 2;
    }
}
