namespace GpuBench.Core.Contracts;

/// <summary>
/// How the AppHost names the agent it starts for each local server, and how the controller finds it again through
/// Aspire service discovery. One agent per local server: each simulates its own box and owns its own GPU ids.
/// </summary>
public static class AgentDiscovery
{
    /// <summary>An Aspire resource name for the server's agent: "agent-" and the name in lowercase letters, digits and hyphens.</summary>
    public static string ResourceName(string serverName)
    {
        var slug = RunResources.Slug(serverName);
        return slug.Length == 0 ? "agent" : $"agent-{slug}";
    }

    /// <summary>The environment variable Aspire sets on the controller with that agent's http endpoint.</summary>
    public static string UrlVariable(string serverName) => $"services__{ResourceName(serverName)}__http__0";
}
