namespace GpuBench.Core.Results;

/// <summary>Another controller is writing the campaign folder; <see cref="Holder"/> says which (pid and host).</summary>
public sealed class CampaignLockedException(string campaignDirectory, string holder)
    : Exception($"{campaignDirectory} is being written by another gpubench bench ({holder}). Wait for it to end, or give this one another --campaign.")
{
    public string Holder { get; } = holder;
}
