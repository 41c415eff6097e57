using System.Globalization;

namespace GpuBench.Provisioning.Bench;

/// <summary>The benchmark's command line: --files N --file-mb M --parallel P --dir PATH.</summary>
internal sealed record BenchmarkSettings(int Files, int FileMegabytes, int Parallel, string Directory)
{
    public long FileBytes => FileMegabytes * 1_000_000L;

    public static BenchmarkSettings Parse(string[] args)
    {
        var settings = new BenchmarkSettings(8, 512, 8, Path.Combine(Path.GetTempPath(), "gpubench-provisioning-bench"));
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            settings = args[i] switch
            {
                "--files" => settings with { Files = int.Parse(value, CultureInfo.InvariantCulture) },
                "--file-mb" => settings with { FileMegabytes = int.Parse(value, CultureInfo.InvariantCulture) },
                "--parallel" => settings with { Parallel = int.Parse(value, CultureInfo.InvariantCulture) },
                "--dir" => settings with { Directory = value },
                _ => throw new ArgumentException($"Unknown option {args[i]}; use --files N --file-mb M --parallel P --dir PATH."),
            };
        }

        return settings;
    }
}
