using GpuBench.Core.Config;
using GpuBench.LoadGen.Dataset;

namespace GpuBench.Controller.Cli;

/// <summary>
/// What `gpubench validate` (and every command that reads the config) checks inside each workload's dataset file,
/// before anything is deployed: that it parses into the dataset's shape (an error at the dataset file's line and
/// column otherwise), and that it holds usable entries: two-turn conversations, prompts, poem lines or trace
/// requests. Lengths are the served model's, so vLLM's length filter runs with the run; fewer usable entries than
/// num_prompts is a warning (sharegpt and custom are then oversampled, a trace replays what it has).
/// </summary>
public static class DatasetCheck
{
    public static IReadOnlyList<ConfigDiagnostic> Check(BenchConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var diagnostics = new List<ConfigDiagnostic>();
        for (var i = 0; i < config.Workloads.Count; i++)
        {
            var workload = config.Workloads[i];
            if (workload.Dataset is not { ReadsFile: true, Path: { } path } dataset || !File.Exists(path))
            {
                continue;
            }

            var key = $"workloads[{i}].dataset";
            try
            {
                var usable = Usable(dataset, path);
                if (usable == 0)
                {
                    diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, path, 1, 1, key, $"no usable {What(dataset.Name)} in the file"));
                }
                else if (usable < workload.NumPrompts && dataset.Name != "sonnet")
                {
                    diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Warning, path, 1, 1, key,
                        $"{usable} {What(dataset.Name)} for num_prompts {workload.NumPrompts}: " +
                        (dataset.Name == "mooncake" ? "the run replays only these" : "entries will be repeated (vLLM's oversampling) unless no_oversample")));
                }
            }
            catch (DatasetFileException e)
            {
                diagnostics.Add(new ConfigDiagnostic(DiagnosticSeverity.Error, e.Path, Math.Max(1, e.Line), Math.Max(1, e.Column), key, e.Problem));
            }
        }

        return diagnostics;
    }

    private static int Usable(DatasetSpec dataset, string path) => dataset.Name switch
    {
        "sharegpt" => ShareGptDataset.Read(path, out _).Count,
        "custom" => CustomDataset.Read(path, needOutputTokens: dataset.CustomOutputLen == -1).Count,
        "sonnet" => DatasetFile.ReadTextLines(path).Count,
        "mooncake" => MooncakeTrace.Read(path).Count,
        _ => 1,
    };

    private static string What(string name) => name switch
    {
        "sharegpt" => "conversations of two turns or more",
        "custom" => "prompts",
        "sonnet" => "poem lines",
        _ => "trace requests",
    };
}
