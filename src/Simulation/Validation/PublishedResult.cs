using System.Globalization;
using System.Text.RegularExpressions;
using GpuBench.Simulation.Engine;

namespace GpuBench.Simulation.Validation;

/// <summary>
/// One row of the seed article's published results (tests/fixtures/seed-results.csv), with the engine flags of
/// that run: read from the run's own vLLM command in its result file when present, else from the row's notes.
/// </summary>
public sealed partial record PublishedResult(
    string Model,
    string Gpu,
    int GpuCount,
    int Replicas,
    int TensorParallel,
    int PipelineParallel,
    int InputLen,
    int OutputLen,
    int Concurrency,
    int Prompts,
    double OutputTokS,
    double TotalTokS,
    string Notes,
    EngineOptions Engine)
{
    /// <summary>Rows the data itself marks as not a valid measurement (failed requests).</summary>
    public bool IsInvalidRun => Notes.Contains("invalid run", StringComparison.OrdinalIgnoreCase);

    public string Layout => $"{Replicas}x{(TensorParallel > 1 ? $"tp{TensorParallel}" : "")}{(PipelineParallel > 1 ? $"pp{PipelineParallel}" : "")}".TrimEnd('x');

    /// <summary>Reads the CSV; <paramref name="resultsDirectory"/> holds the *_vllm_benchmark.txt files.</summary>
    public static IReadOnlyList<PublishedResult> Load(string csvPath, string? resultsDirectory)
    {
        var rows = new List<PublishedResult>();
        string[]? header = null;
        foreach (var line in File.ReadLines(csvPath))
        {
            if (line.StartsWith('#') || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var cells = line.Split(',');
            if (header is null)
            {
                header = cells;
                continue;
            }

            string Cell(string name) => cells[Array.IndexOf(header, name)].Trim();
            int Int(string name) => int.Parse(Cell(name), CultureInfo.InvariantCulture);
            double Number(string name) => double.Parse(Cell(name), CultureInfo.InvariantCulture);

            var notes = string.Join(',', cells.Skip(Array.IndexOf(header, "notes")));
            var model = Cell("model");
            var gpu = Cell("gpu");
            var count = Int("gpu_count");
            var tp = Int("tp");
            var flags = FindCommand(resultsDirectory, gpu, count, model, tp) ?? notes;
            rows.Add(new PublishedResult(
                model, gpu, count, Int("replicas"), tp, Int("pp"), Int("input_len"), Int("output_len"),
                Int("concurrency"), Int("prompts"), Number("output_tok_s"), Number("total_tok_s"), notes,
                EngineFrom(flags, notes, tp, Int("pp"))));
        }

        return rows;
    }

    private static string? FindCommand(string? directory, string gpu, int count, string model, int tp)
    {
        if (directory is null)
        {
            return null;
        }

        var name = $"{gpu}_x_{count}_{model.Replace('/', '_')}_vllm_benchmark.txt";
        var path = Path.Combine(tp > 1 ? Path.Combine(directory, "tensor-parallel") : directory, name);
        if (!File.Exists(path))
        {
            return null;
        }

        // The first engine's command line: everything after "command: >" up to its healthcheck.
        var text = File.ReadAllText(path);
        var start = text.IndexOf("command: >", StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf("healthcheck:", start, StringComparison.Ordinal);
        return start < 0 || end < 0 ? null : text[start..end];
    }

    private static EngineOptions EngineFrom(string flags, string notes, int tp, int pp)
    {
        var kv = KvDtype().Match(flags) is { Success: true } kvMatch ? kvMatch.Groups[1].Value
            : notes.Contains("kv fp8", StringComparison.Ordinal) ? "fp8" : "auto";
        return new EngineOptions
        {
            TensorParallel = tp,
            PipelineParallel = pp,
            MaxModelLen = FlagInt(MaxModelLen(), flags),
            MaxNumSeqs = FlagInt(MaxNumSeqs(), flags),
            MaxNumBatchedTokens = FlagInt(MaxNumBatchedTokens(), flags),
            GpuMemoryUtilization = GpuMemory().Match(flags) is { Success: true } m
                ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0.9,
            KvCacheDtype = kv,
        };
    }

    private static int? FlagInt(Regex regex, string text) =>
        regex.Match(text) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"max-model-len[ =](\d+)")]
    private static partial Regex MaxModelLen();

    [GeneratedRegex(@"max-num-seqs[ =](\d+)")]
    private static partial Regex MaxNumSeqs();

    [GeneratedRegex(@"max-num-batched-tokens[ =](\d+)")]
    private static partial Regex MaxNumBatchedTokens();

    [GeneratedRegex(@"gpu-memory-utilization[ =]([\d.]+)")]
    private static partial Regex GpuMemory();

    [GeneratedRegex(@"--kv-cache-dtype[ =](\S+)")]
    private static partial Regex KvDtype();
}
