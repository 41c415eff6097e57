using GpuBench.Provisioning.Files;
using GpuBench.Provisioning.Hub;

namespace GpuBench.Provisioning;

/// <summary>
/// One model to make present in a Hugging Face cache. <see cref="HfHome"/> is the HF_HOME the engine will see;
/// files go to &lt;HfHome&gt;/hub. <see cref="Endpoint"/> defaults to HF_ENDPOINT (or https://huggingface.co).
/// </summary>
public sealed record ProvisioningRequest(string ModelId, string HfHome)
{
    public const string DefaultRevision = "main";

    /// <summary>Branch, tag or commit; the result records the commit it resolved to.</summary>
    public string Revision { get; init; } = DefaultRevision;

    /// <summary>fnmatch-style patterns as huggingface_hub's allow_patterns; null means <see cref="FilePatterns.EngineDefaults"/>.</summary>
    public IReadOnlyList<string>? FilePatterns { get; init; }

    public HubToken? Token { get; init; }

    public HubEndpoint? Endpoint { get; init; }

    /// <summary>
    /// Do not ask the Hub (a box without internet, or HF_HUB_OFFLINE=1): succeed only from a whole snapshot that
    /// an earlier provisioning left in the cache.
    /// </summary>
    public bool Offline { get; init; }
}
