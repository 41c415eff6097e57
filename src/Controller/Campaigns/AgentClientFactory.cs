using System.Security.Cryptography;
using GpuBench.ServiceDefaults;

namespace GpuBench.Controller.Campaigns;

/// <summary>Makes <see cref="AgentClient"/>s from the two named HTTP clients registered by <see cref="CampaignServices"/>.</summary>
public sealed class AgentClientFactory(IHttpClientFactory factory)
{
    public const string ApiClientName = "gpubench-agent-api";
    public const string ProgressClientName = "gpubench-agent-progress";

    /// <summary>Every agent API call but the progress feed answers within seconds; deployments are polled, not awaited.</summary>
    public static readonly TimeSpan ApiTimeout = TimeSpan.FromMinutes(2);

    public AgentClient Create(Uri baseUrl, string token) =>
        new(factory.CreateClient(ApiClientName), factory.CreateClient(ProgressClientName), baseUrl, token);

    /// <summary>A fresh random bearer token for an agent this campaign starts.</summary>
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Waits until the agent answers /health, or fails with <paramref name="describe"/>'s account of why not.</summary>
    public static async Task WaitHealthyAsync(Uri baseUrl, TimeSpan timeout, Func<string?> describe, TimeProvider time, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = time.GetUtcNow() + timeout;
        Exception? last = null;
        while (time.GetUtcNow() < deadline)
        {
            if (describe() is { } stopped)
            {
                throw new InvalidOperationException(stopped);
            }

            try
            {
                using var response = await probe.GetAsync(new Uri(baseUrl, "health"), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = new HttpRequestException($"/health answered {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"The agent at {baseUrl} did not answer /health within {timeout.TotalSeconds:0} s: {last?.Message}");
    }
}

/// <summary>Registers what `gpubench bench` needs.</summary>
public static class CampaignServices
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services)
    {
        services.AddLogging();
        services.AddHttpClient(AgentClientFactory.ApiClientName, c => c.Timeout = AgentClientFactory.ApiTimeout);
        services.AddStreamingHttpClient(AgentClientFactory.ProgressClientName);
        services.AddSingleton<AgentClientFactory>();
        services.AddSingleton<Ssh.SshConnector>();
        services.AddSingleton<Ssh.BundleUploader>();
        services.AddSingleton<Ssh.RemoteAgentLauncher>();
        services.AddSingleton<AgentConnector>();
        services.AddSingleton<CampaignRunner>();
        return services;
    }
}
