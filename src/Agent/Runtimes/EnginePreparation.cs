namespace GpuBench.Agent.Runtimes;

/// <summary>
/// What a runtime settled before a deployment's replicas start: the image they run (the pinned one, or one built
/// from it with OpenTelemetry added), whether vLLM can export traces there, and a warning when it cannot.
/// </summary>
public sealed record EnginePreparation(string? Image, bool Tracing, string? TracingImage, string? Warning)
{
    /// <summary>Nothing to change: the plan's image, tracing as the agent's telemetry wants it.</summary>
    public static EnginePreparation Unchanged { get; } = new(null, true, null, null);

    /// <summary>The plan as it will start: every replica on the prepared image, tracing on or off.</summary>
    public DeploymentPlan Apply(DeploymentPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan with
        {
            EngineTracing = Tracing,
            Replicas = Image is { } image ? [.. plan.Replicas.Select(r => r with { Image = image })] : plan.Replicas,
        };
    }
}
