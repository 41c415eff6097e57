using Aspire.Hosting.ApplicationModel;
using GpuBench.AppHost.Tests.Support;
using GpuBench.Core.Contracts;
using GpuBench.TestSupport.Otlp;

namespace GpuBench.AppHost.Tests.Campaign;

/// <summary>`dotnet run --project src/AppHost -- --config tiny.yml`: the whole campaign from one command.</summary>
public sealed class CampaignTests : IDisposable
{
    private readonly TinyCampaign _campaign = new();

    [Fact]
    public async Task The_apphost_runs_a_tiny_campaign_to_its_report_with_every_request_traced()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await OtlpReceiver.StartAsync(ct);
        var builder = await AppHostUnderTest.CreateAsync(_campaign, receiver, withController: true, ct);
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);

        ResourceEvent finished;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(TimeSpan.FromMinutes(8));
            finished = await app.ResourceNotifications.WaitForResourceAsync("controller",
                e => e.Snapshot.State?.Text is { } state && (state == KnownResourceStates.Finished || state == KnownResourceStates.Exited || state == KnownResourceStates.FailedToStart),
                timeout.Token);
        }

        Assert.True(finished.Snapshot.ExitCode == 0,
            $"The controller ended {finished.Snapshot.State?.Text} with exit code {finished.Snapshot.ExitCode}. Results:\n{Describe(_campaign.ResultsDirectory)}");
        var reports = Directory.Exists(_campaign.ResultsDirectory)
            ? Directory.EnumerateFiles(_campaign.ResultsDirectory, "report.*", SearchOption.AllDirectories).ToArray()
            : [];
        Assert.NotEmpty(reports);

        var trace = await receiver.WaitForAsync(RequestTraces.FirstComplete, TimeSpan.FromSeconds(60), ct);
        Assert.True(trace is not null,
            $"No trace with spans of the load generator, the gateway and the engine. Received:\n{RequestTraces.Describe(receiver.Spans)}");
        Assert.Single(trace, s => s.Scope == RequestTraces.LoadGenScope);

        // The run's engine and gateway resources followed its deployment to the end: torn down after the run.
        foreach (var resource in new[] { RunResources.Replica(RequestTraces.Run, 0), RunResources.Gateway(RequestTraces.Run) })
        {
            using var settled = CancellationTokenSource.CreateLinkedTokenSource(ct);
            settled.CancelAfter(TimeSpan.FromMinutes(1));
            var ended = await app.ResourceNotifications.WaitForResourceAsync(resource,
                e => e.Snapshot.State?.Text == KnownResourceStates.Finished, settled.Token);
            Assert.Contains(ended.Snapshot.Properties, p => p.Name == "gpubench.deployment");
        }
    }

    public void Dispose() => _campaign.Dispose();

    /// <summary>The campaign's run records, which say why a run failed.</summary>
    private static string Describe(string results) =>
        Directory.Exists(results)
            ? string.Join('\n', Directory.EnumerateFiles(results, "*.json", SearchOption.AllDirectories)
                .Select(f => $"{Path.GetRelativePath(results, f)}: {File.ReadAllText(f)}"))
            : "(no results folder)";
}
