using GpuBench.Controller.Campaigns;
using GpuBench.Core.Config;
using GpuBench.Core.Planning;

namespace GpuBench.Controller.Commands;

/// <summary>A planned run's predicted time on its box and what that time costs at the configured price.</summary>
public sealed record RunEstimate(PlannedRun Run, SweepPrediction Prediction)
{
    /// <summary>What a deployment adds before the first point: vLLM loading weights already on the box and capturing CUDA graphs.</summary>
    public static readonly TimeSpan VllmDeployment = TimeSpan.FromMinutes(2);

    /// <summary>What a simulated deployment adds: the simulator's and the gateway's start.</summary>
    public static readonly TimeSpan SimulatedDeployment = TimeSpan.FromSeconds(10);

    /// <summary>The points' predicted load time plus one deployment; null when the performance model cannot predict the run.</summary>
    public double? Seconds => Prediction.Seconds is { } load
        ? load + (Run.Engine.Kind == EngineKind.Sim ? SimulatedDeployment : VllmDeployment).TotalSeconds
        : null;

    /// <summary>The time at the run's $/hour; null without a prediction or a price.</summary>
    public decimal? Dollars => Seconds is { } seconds && Run.DollarsPerHour is { } perHour ? (decimal)seconds / 3600 * perHour : null;
}
