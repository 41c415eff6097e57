using System.Diagnostics.Metrics;
using GpuBench.Agent.Hosting;
using GpuBench.Agent.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Tests.Telemetry;

public sealed class TelemetrySessionTests
{
    [Fact]
    public async Task A_sampling_loop_that_breaks_is_reported_and_stopping_still_returns_the_summaries()
    {
        using var services = new ServiceCollection().AddMetrics().AddHttpClient().BuildServiceProvider();
        var sampler = new TelemetrySampler(
            services.GetRequiredService<IHttpClientFactory>(),
            new AgentMetrics(services.GetRequiredService<IMeterFactory>()),
            TimeProvider.System,
            Options.Create(new AgentOptions { TelemetryInterval = TimeSpan.FromMilliseconds(50) }),
            NullLogger<TelemetrySampler>.Instance);

        await using var session = sampler.Start(simulatedGpus: true, [new ScrapeTarget(0, "not a url", [0])], TestContext.Current.CancellationToken);
        var (gpus, engine) = await session.StopAsync();

        Assert.IsType<UriFormatException>(Assert.Single(session.Failures));
        Assert.Empty(gpus);
        Assert.Empty(engine);
    }
}
