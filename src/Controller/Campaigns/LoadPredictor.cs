using GpuBench.Controller.Commands;
using GpuBench.Core.Config;
using GpuBench.Core.Hardware;
using GpuBench.Core.Metrics;
using GpuBench.Core.Planning;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Prediction;
using GpuBench.Simulation.Profiles;
using GpuBench.Simulation.Profiles.HuggingFace;

namespace GpuBench.Controller.Campaigns;

/// <summary>What the performance model predicts for one load point of a run: its duration and whether it meets the SLO.</summary>
public sealed record PredictedPoint(LoadPoint? Point, double Seconds, bool? MeetsSlo, string? Why = null);

/// <summary>The points a run is predicted to run (a grid's, or those a search would try were the box as predicted) and the search's start.</summary>
public sealed record SweepPrediction(IReadOnlyList<PredictedPoint> Points, LoadPoint? SearchStart, string? Note)
{
    /// <summary>Why the search starts at <see cref="SearchStart"/>; null without a search.</summary>
    public string? StartWhy { get; init; }

    /// <summary>Seconds of load over every point and repeat; null when the model cannot predict the run.</summary>
    public double? Seconds { get; init; }
}

/// <summary>
/// The performance model <c>gpubench predict</c> uses (the simulator's engine in virtual time), applied to a planned
/// run: where a search starts (the predicted highest load meeting the SLO) and how long each point takes.
/// </summary>
public sealed class LoadPredictor(GpuCatalog gpus)
{
    /// <summary>Points the prediction's own search may try: each costs CPU time, never GPU time.</summary>
    public const int PredictionPoints = 16;

    /// <summary>Where a search of <paramref name="run"/> starts, and why there.</summary>
    public (double Load, string Why) SearchStart(PlannedRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var sweep = run.Workload.Sweep ?? throw new ArgumentException($"Workload {run.Workload.Name} has no search.", nameof(run));
        var (min, max) = (sweep.Min ?? 1, sweep.Max ?? 1);
        var middle = Math.Sqrt(min * max);
        if (Model(run, out var problem) is not { } predictor)
        {
            return (middle, $"start: no prediction ({problem}), so the middle of [{Name(sweep, min)}, {Name(sweep, max)}] on a log scale");
        }

        var search = new LoadSearch(sweep.Kind, min, max, middle, "prediction", PredictionPoints);
        var trials = Trials(search, load => Predict(predictor, run.Workload, new LoadPoint(sweep.Kind, load)).MeetsSlo == true, cancellationToken);
        return LoadSearch.Limit(trials) is { } limit
            ? (limit, $"start: the predicted limit ({Name(sweep, limit)}, `gpubench predict`'s model)")
            : (min, $"start: the prediction has no load of the search meeting the SLO, so min");
    }

    /// <summary>What <paramref name="run"/> is predicted to do: every point with its duration, repeats included.</summary>
    public SweepPrediction Plan(PlannedRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var workload = run.Workload;
        var model = Model(run, out var problem);
        var points = SweepPoints.Grid(workload);
        LoadPoint? start = null;
        string? startWhy = null;
        if (workload.Sweep is { Search: true } sweep)
        {
            var (load, why) = SearchStart(run, cancellationToken);
            (start, startWhy) = (new LoadPoint(sweep.Kind, load), why);
            var search = new LoadSearch(sweep.Kind, sweep.Min ?? 1, sweep.Max ?? 1, load, why);
            points = model is null
                ? [start]
                : [.. Trials(search, l => Predict(model, workload, new LoadPoint(sweep.Kind, l)).MeetsSlo == true, cancellationToken)
                    .Select(t => (LoadPoint?)new LoadPoint(sweep.Kind, t.Load))];
        }

        if (model is null)
        {
            return new SweepPrediction([.. points.Select(p => new PredictedPoint(p, double.NaN, null))], start, $"no prediction: {problem}") { StartWhy = startWhy };
        }

        var predicted = points.Select(p => Predict(model, workload, p)).ToArray();
        return new SweepPrediction(predicted, start, null) { StartWhy = startWhy, Seconds = predicted.Sum(p => p.Seconds) * workload.Repeats };
    }

    private static List<SearchTrial> Trials(LoadSearch search, Func<double, bool> meets, CancellationToken cancellationToken)
    {
        var trials = new List<SearchTrial>();
        while (search.Next(trials).Load is { } load)
        {
            cancellationToken.ThrowIfCancellationRequested();
            trials.Add(new SearchTrial(load, meets(load)));
        }

        return trials;
    }

    private static PredictedPoint Predict(Predictor predictor, WorkloadSpec workload, LoadPoint? point)
    {
        var applied = point?.ApplyTo(workload) ?? workload;
        var result = predictor.Run(new PredictionWorkload
        {
            InputLen = applied.InputLen,
            OutputLen = applied.OutputLen,
            RangeRatio = applied.RangeRatio,
            NumPrompts = applied.NumPrompts,
            MaxConcurrency = applied.MaxConcurrency,
            RequestRate = applied.RequestRate,
            Burstiness = applied.Burstiness,
            Seed = applied.Seed,
        });
        var meets = workload.Slo is { } slo
            ? slo.IsMetBy(result.Metrics(new MetricsOptions { Goodput = slo.Bounds }).SloAttainment ?? 0, 0)
            : (bool?)null;
        return new PredictedPoint(point, result.Duration, meets);
    }

    /// <summary>The run's replicas in the performance model; null, with the reason, when it cannot model them.</summary>
    private Predictor? Model(PlannedRun run, out string problem)
    {
        problem = "";
        if (run.Workload.Dataset is not null)
        {
            problem = $"the {run.Workload.Dataset.Name} dataset's lengths are known only on the box";
            return null;
        }

        if (!gpus.TryGet(run.Server.Gpu.Type, out var gpu))
        {
            problem = $"no profile of GPU type {run.Server.Gpu.Type}";
            return null;
        }

        ModelProfile profile;
        try
        {
            profile = ModelProfileResolver.Resolve(run.Model.Id, null, ModelProfileResolver.DefaultHfHome(), run.Model.Revision ?? "main");
        }
        catch (ModelConfigException e)
        {
            problem = e.Message;
            return null;
        }

        var predictor = new Predictor(gpu, profile, Options(run.Layout, run.Engine), run.Layout.Replicas);
        if (predictor.ReplicaModel.FitError is { } error)
        {
            problem = $"{run.Layout} does not start in the model: {error}";
            return null;
        }

        return predictor;
    }

    /// <summary>The simulated engine's flags for <paramref name="layout"/> under <paramref name="engine"/>'s settings.</summary>
    public static EngineOptions Options(Layout layout, EngineSettings engine)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(engine);
        return new EngineOptions
        {
            TensorParallel = layout.TensorParallel,
            PipelineParallel = layout.PipelineParallel,
            MaxModelLen = engine.MaxModelLen,
            MaxNumSeqs = engine.MaxNumSeqs,
            GpuMemoryUtilization = engine.GpuMemoryUtilization,
            KvCacheDtype = engine.KvCacheDtype,
        };
    }

    private static string Name(SweepSpec sweep, double load) => new LoadPoint(sweep.Kind, load).Name;
}
