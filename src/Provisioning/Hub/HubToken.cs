namespace GpuBench.Provisioning.Hub;

/// <summary>
/// A Hugging Face access token. A class of its own so that no ToString, record printer or log line can show it.
/// </summary>
public sealed class HubToken
{
    public HubToken(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        Value = value;
    }

    internal string Value { get; }

    /// <summary>A token from an environment variable, or null when the variable is unset or empty.</summary>
    public static HubToken? FromEnvironment(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? new HubToken(value) : null;

    public override string ToString() => "HubToken(***)";
}
