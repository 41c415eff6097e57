using GpuBench.Agent.Processes;
using GpuBench.Agent.Runtimes;
using GpuBench.Core.Contracts;

namespace GpuBench.Agent.Deployments;

/// <summary>One deployment's live state inside the agent; <see cref="Status"/> is its contract view.</summary>
public sealed class Deployment(DeploymentPlan plan, IEngineRuntime runtime, RenderedDeployment rendered, DateTimeOffset createdAt)
{
    private readonly List<string> _warnings = [];
    private ProvisioningTransfer? _imagePull;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, string?> _replicaErrors = [];
    private readonly HashSet<int> _ready = [];
    private int _tornDown;
    private ModelProvisioningStatus? _provisioning;

    /// <summary>The plan; replaced once the runtime prepared the engine (its image, tracing).</summary>
    public DeploymentPlan Plan { get; set; } = plan;

    /// <summary>compose.yaml and command.txt of <see cref="Plan"/>.</summary>
    public RenderedDeployment Rendered { get; set; } = rendered;

    /// <summary>Seconds the replicas took from start to serving.</summary>
    public double? EngineStartSeconds { get; set; }
    public IEngineRuntime Runtime { get; } = runtime;
    public List<ReplicaHandle> Handles { get; } = [];
    public ChildProcess? Gateway { get; set; }
    public CancellationTokenSource Lifetime { get; } = new();
    public Task Startup { get; set; } = Task.CompletedTask;
    public DeploymentState State { get; private set; } = DeploymentState.Starting;
    public string? Error { get; private set; }
    public EngineIdentity? Engine { get; set; }
    public bool SimulatedGpus => Plan.Replicas.Any(r => r.SimulatedGpus);

    /// <summary>True for the first caller only: teardown runs once, whoever gets there first.</summary>
    public bool BeginTeardown() => Interlocked.Exchange(ref _tornDown, 1) == 0;

    public void MarkReplicaReady(int index)
    {
        lock (_lock)
        {
            _ready.Add(index);
        }
    }

    /// <summary>Replaces the provisioning status under the lock, so a status read never sees half an update.</summary>
    public void UpdateProvisioning(Func<ModelProvisioningStatus?, ModelProvisioningStatus> update)
    {
        lock (_lock)
        {
            _provisioning = update(_provisioning);
        }
    }

    public void Warn(string warning)
    {
        lock (_lock)
        {
            _warnings.Add(warning);
        }
    }

    public void UpdateImagePull(ProvisioningTransfer? transfer)
    {
        lock (_lock)
        {
            _imagePull = transfer;
        }
    }

    public void Fail(string error, int? replica = null)
    {
        lock (_lock)
        {
            State = DeploymentState.Failed;
            Error = error;
            if (replica is { } index)
            {
                _replicaErrors[index] = error;
            }
        }
    }

    public void SetState(DeploymentState state)
    {
        lock (_lock)
        {
            // A failure stays the verdict even after teardown.
            if (State != DeploymentState.Failed || state == DeploymentState.Failed)
            {
                State = state;
            }
        }
    }

    public DeploymentStatus Status()
    {
        lock (_lock)
        {
            var request = Plan.Request;
            return new DeploymentStatus(
                Plan.Id, request.Campaign, request.Run, request.Runtime, request.Layout.ToString(), State, Error,
                State == DeploymentState.Ready ? Plan.Gateway.Url : null,
                Plan.Replicas.Select(r => new ReplicaStatus(
                    r.Index, r.GpuIds, r.Url,
                    Handles.FirstOrDefault(h => h.Index == r.Index)?.RuntimeId,
                    _ready.Contains(r.Index),
                    _replicaErrors.GetValueOrDefault(r.Index))).ToArray(),
                Engine, Rendered, createdAt)
            {
                Provisioning = _provisioning,
                ImagePull = _imagePull,
                Warnings = [.. _warnings],
                EngineStartSeconds = EngineStartSeconds,
            };
        }
    }
}
