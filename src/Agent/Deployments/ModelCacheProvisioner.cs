using GpuBench.Agent.Hosting;
using GpuBench.Core.Contracts;
using GpuBench.Provisioning;
using GpuBench.Provisioning.Hub;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Deployments;

/// <summary>
/// Puts a deployment's model into the box's Hugging Face cache before its engines start, so that download time
/// is measured apart from start-up and the engines load offline. Progress and outcome land in the deployment's status.
/// </summary>
public sealed class ModelCacheProvisioner(IServiceProvider services, IOptions<AgentOptions> options, ILogger<ModelCacheProvisioner> logger)
{
    /// <summary>Provisions the model; a failure comes back as a result whose <c>Error</c> says what to change.</summary>
    public async Task<ProvisioningOutcomeRecord> EnsureAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        var deploymentRequest = deployment.Plan.Request;
        var engine = deploymentRequest.Engine;
        var request = new ProvisioningRequest(engine.Model, engine.ModelCacheDir!)
        {
            Revision = string.IsNullOrEmpty(engine.Revision) ? ProvisioningRequest.DefaultRevision : engine.Revision,
            FilePatterns = engine.FilePatterns.Length > 0 ? engine.FilePatterns : null,
            Token = string.IsNullOrEmpty(deploymentRequest.HuggingFaceToken) ? null : new HubToken(deploymentRequest.HuggingFaceToken),
            Endpoint = string.IsNullOrEmpty(options.Value.HubEndpoint) ? null : HubEndpoint.Parse(options.Value.HubEndpoint),
        };
        deployment.UpdateProvisioning(_ => new ModelProvisioningStatus(request.ModelId, request.Revision));
        logger.LogInformation("Deployment {Id}: provisioning {Model}@{Revision} into {Cache}", deployment.Plan.Id, request.ModelId, request.Revision, request.HfHome);

        // Transient by design: each provisioning takes a fresh client from the factory.
        var provisioner = services.GetRequiredService<ModelProvisioner>();
        var result = await provisioner.EnsureAsync(request, new DeploymentProgress(deployment), cancellationToken);
        var record = Record(result);
        deployment.UpdateProvisioning(s => s! with { Result = record });
        if (record.Error is null)
        {
            logger.LogInformation("Deployment {Id}: {Model} at {Commit}: {Outcome}, {Bytes} bytes fetched in {Seconds:F1} s ({MBps:F1} MB/s)",
                deployment.Plan.Id, request.ModelId, record.Commit, record.Outcome, record.BytesDownloaded, record.Seconds, record.DownloadMegabytesPerSecond);
        }

        return record;
    }

    public static ProvisioningOutcomeRecord Record(ProvisioningResult result) => new(
        result.Outcome switch
        {
            ProvisioningOutcome.AlreadyPresent => "already-present",
            ProvisioningOutcome.Downloaded => "downloaded",
            _ => "failed",
        },
        result.Commit,
        result.FileCount,
        result.TotalBytes,
        result.FilesDownloaded,
        result.BytesDownloaded,
        result.ElapsedSeconds,
        result.DownloadBytesPerSecond,
        result.DownloadMegabytesPerSecond,
        FromCache: result.Succeeded && result.BytesDownloaded == 0,
        result.FromCacheOnly,
        result.Failure?.Message);

    /// <summary>Applies each report at once, in order (Progress&lt;T&gt; would post them to the thread pool, possibly after the result).</summary>
    private sealed class DeploymentProgress(Deployment deployment) : IProgress<ProvisioningProgress>
    {
        public void Report(ProvisioningProgress value) => deployment.UpdateProvisioning(s => s! with
        {
            Progress = new ProvisioningTransfer(value.BytesDone, value.BytesTotal, value.BytesPerSecond,
                value.EstimatedRemaining?.TotalSeconds, value.FilesDone, value.FilesTotal, value.CurrentFile, value.ToString()),
        });
    }
}
