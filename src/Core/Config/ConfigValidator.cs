using GpuBench.Core.Hardware;

namespace GpuBench.Core.Config;

/// <summary>Checks between sections of config.yml: references, GPU types, prices, capacity, files.</summary>
internal static class ConfigValidator
{
    public static void Validate(BenchConfig config, GpuCatalog catalog, ConfigDiagnostics diagnostics)
    {
        CheckUnique(config.Workloads.Select((w, i) => (w.Name, $"workloads[{i}].name")), "workload", diagnostics);
        CheckUnique(config.Servers.Select((s, i) => (s.Name, $"servers[{i}].name")), "server", diagnostics);
        CheckPrices(config, catalog, diagnostics);

        foreach (var model in config.Models.Where(m => m.Id.Length > 0))
        {
            if (model.WeightsGb is null && model.TensorParallel is null && model.PipelineParallel is null
                && !diagnostics.HasErrorAt($"models.{model.Name}.weights_gb"))
            {
                diagnostics.Error($"models.{model.Name}",
                    "set weights_gb so the planner can choose a layout, or set tp and pp explicitly");
            }
        }

        for (var i = 0; i < config.Servers.Count; i++)
        {
            CheckServer(config, config.Servers[i], $"servers[{i}]", catalog, diagnostics);
        }

        CheckCommands(config, diagnostics);
        CheckDatasetFiles(config, diagnostics);
        WarnUnused(config, diagnostics);
    }

    /// <summary>
    /// An engine `command` only serves vLLM under the process runtime: a server that sets one but runs Docker
    /// contradicts itself (an error), and a command no deployment would run is said to be unused (a warning),
    /// with the reason, instead of being ignored without a word.
    /// </summary>
    private static void CheckCommands(BenchConfig config, ConfigDiagnostics diagnostics)
    {
        // For each command that is set: why deployments that inherit it do not run it, and whether any deployment does.
        var unused = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < config.Servers.Count; i++)
        {
            var server = config.Servers[i];
            var serverPath = $"servers[{i}].engine.command";
            if (server.Engine.Command is not null && server.Runtime == RuntimeKind.Docker)
            {
                diagnostics.Error(serverPath,
                    $"server '{server.Name}' runs runtime docker, where the image's entrypoint serves the engine and command is never run; " +
                    "set runtime: process to run this program on the box, or remove command");
                continue;
            }

            foreach (var model in server.Models.Select(name => config.Models.FirstOrDefault(m => m.Name == name)).OfType<ModelSpec>())
            {
                var engine = config.EngineFor(server, model);
                // Most specific first: the first that is set is the one the deployment gets (BenchConfig.EngineFor).
                (string Path, IReadOnlyList<string>? Command)[] levels =
                [
                    (serverPath, server.Engine.Command),
                    ($"models.{model.Name}.engine.command", model.Engine.Command),
                    ("engine.command", config.Engine.Command),
                ];
                var setters = levels.Where(l => l.Command is not null).Select(l => l.Path).ToArray();
                if (setters.Length == 0)
                {
                    continue;
                }

                var why = engine.Kind == EngineKind.Sim
                    ? $"'{model.Name}' on server '{server.Name}' is kind sim (the simulator)"
                    : server.Runtime == RuntimeKind.Docker
                        ? $"server '{server.Name}' runs runtime docker (the image's entrypoint)"
                        : null;
                if (why is null)
                {
                    used.Add(setters[0]);
                }

                foreach (var setter in setters.Skip(why is null ? 1 : 0))
                {
                    AddReason(unused, setter, why ?? $"{setters[0]} replaces it for '{model.Name}' on server '{server.Name}'");
                }
            }
        }

        foreach (var (path, reasons) in unused.Where(u => !used.Contains(u.Key) && !diagnostics.HasErrorAt(u.Key)))
        {
            diagnostics.Warning(path,
                $"command is never run: it serves vLLM under runtime: process only, and here {string.Join("; ", reasons.Distinct())}");
        }
    }

    private static void AddReason(Dictionary<string, List<string>> reasons, string path, string reason)
    {
        if (!reasons.TryGetValue(path, out var list))
        {
            reasons[path] = list = [];
        }

        list.Add(reason);
    }

    private static void CheckServer(BenchConfig config, ServerSpec server, string path, GpuCatalog catalog, ConfigDiagnostics diagnostics)
    {
        var gpuType = server.Gpu.Type;
        if (gpuType.Length > 0 && !catalog.TryGet(gpuType, out _))
        {
            diagnostics.Error($"{path}.gpu.type",
                $"unknown GPU type '{gpuType}'{Suggestions.DidYouMean(gpuType, catalog.Ids)} (known: {string.Join(", ", catalog.Ids)})");
        }

        var modelNames = config.Models.Select(m => m.Name).ToArray();
        for (var j = 0; j < server.Models.Count; j++)
        {
            var name = server.Models[j];
            var model = config.Models.FirstOrDefault(m => m.Name == name);
            if (model is null)
            {
                diagnostics.Error($"{path}.models[{j}]",
                    $"unknown model '{name}'{Suggestions.DidYouMean(name, modelNames)} (defined: {string.Join(", ", modelNames)})");
                continue;
            }

            var gpus = (model.Replicas ?? 1) * (model.TensorParallel ?? 1) * (model.PipelineParallel ?? 1);
            if (server.Gpu.Count > 0 && gpus > server.Gpu.Count)
            {
                diagnostics.Error($"{path}.models[{j}]",
                    $"model '{name}' asks for replicas × tp × pp = {model.Replicas ?? 1} × {model.TensorParallel ?? 1} × " +
                    $"{model.PipelineParallel ?? 1} = {gpus} GPUs, but server '{server.Name}' has {server.Gpu.Count}");
            }
        }

        var workloadNames = config.Workloads.Select(w => w.Name).ToArray();
        for (var j = 0; j < server.Workloads.Count; j++)
        {
            var name = server.Workloads[j];
            if (!workloadNames.Contains(name))
            {
                diagnostics.Error($"{path}.workloads[{j}]",
                    $"unknown workload '{name}'{Suggestions.DidYouMean(name, workloadNames)} (defined: {string.Join(", ", workloadNames)})");
            }
        }

        if (server.Ssh is { KeyPath.Length: > 0 } ssh && !File.Exists(ssh.KeyPath))
        {
            diagnostics.Error($"{path}.ssh.key", $"key file '{ssh.KeyPath}' does not exist");
        }
    }

    private static void CheckPrices(BenchConfig config, GpuCatalog catalog, ConfigDiagnostics diagnostics)
    {
        foreach (var gpuType in config.Prices.Keys.Where(t => !catalog.TryGet(t, out _)))
        {
            diagnostics.Error($"prices.{gpuType}",
                $"unknown GPU type '{gpuType}'{Suggestions.DidYouMean(gpuType, catalog.Ids)} (known: {string.Join(", ", catalog.Ids)})");
        }

        var unpriced = config.Servers
            .Select((server, i) => (server.Gpu.Type, Path: $"servers[{i}].gpu.type"))
            .Where(s => s.Type.Length > 0 && catalog.TryGet(s.Type, out _) && !config.Prices.ContainsKey(s.Type))
            .DistinctBy(s => s.Type);
        foreach (var (gpuType, path) in unpriced)
        {
            diagnostics.Warning(path, $"no price for GPU type '{gpuType}' (add prices.{gpuType}: <$ per GPU-hour>); reports will say \"no price\"");
        }
    }

    private static void CheckUnique(IEnumerable<(string Name, string Path)> names, string what, ConfigDiagnostics diagnostics)
    {
        // Case-insensitively: the names become folders, and some file systems do not tell "A" from "a".
        var first = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, path) in names.Where(n => n.Name.Length > 0))
        {
            if (first.TryGetValue(name, out var firstPath))
            {
                var at = diagnostics.Locate(firstPath);
                diagnostics.Error(path, $"duplicate {what} name '{name}' (first used at line {at.Line})");
            }
            else
            {
                first[name] = path;
            }
        }
    }

    /// <summary>A dataset file must exist; what is in it is checked by the controller, at its own lines and columns.</summary>
    private static void CheckDatasetFiles(BenchConfig config, ConfigDiagnostics diagnostics)
    {
        for (var i = 0; i < config.Workloads.Count; i++)
        {
            if (config.Workloads[i].Dataset is { ReadsFile: true, Path: { } path } && !File.Exists(path))
            {
                diagnostics.Error($"workloads[{i}].dataset.path", $"dataset file not found: {path}");
            }
        }
    }

    private static void WarnUnused(BenchConfig config, ConfigDiagnostics diagnostics)
    {
        foreach (var model in config.Models.Where(m => !config.Servers.Any(s => s.Models.Contains(m.Name))))
        {
            diagnostics.Warning($"models.{model.Name}", $"model '{model.Name}' is not listed by any server, so it is never run");
        }

        for (var i = 0; i < config.Workloads.Count; i++)
        {
            var name = config.Workloads[i].Name;
            if (name.Length > 0 && !config.Servers.Any(s => s.Workloads.Contains(name)))
            {
                diagnostics.Warning($"workloads[{i}]", $"workload '{name}' is not listed by any server, so it is never run");
            }
        }
    }
}
