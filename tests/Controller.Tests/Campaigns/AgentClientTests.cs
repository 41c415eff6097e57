using System.Collections.Concurrent;
using GpuBench.Controller.Campaigns;
using GpuBench.Controller.Tests.Ssh;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Tracing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GpuBench.Controller.Tests.Campaigns;

/// <summary>The controller's agent client against a real loopback server that records what each call carried.</summary>
public sealed class AgentClientTests
{
    [Fact]
    public async Task Status_polls_are_sent_untraced_and_the_calls_that_act_are_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var received = new ConcurrentQueue<(string Call, bool Untraced)>();
        await using var agent = await LoopbackHttpServer.StartAsync(app =>
        {
            app.Use((context, next) =>
            {
                received.Enqueue(($"{context.Request.Method} {context.Request.Path}", context.Request.Headers.ContainsKey(UntracedRequests.Header)));
                return next(context);
            });
            app.MapGet("/deployments/{id}", () => Results.Problem("no such deployment", statusCode: 404));
            app.MapDelete("/deployments/{id}", () => Results.NotFound());
            app.MapPost("/runs", () => Results.Json(new { runId = "r1" }));
            app.MapGet("/runs/{id}", () => Results.Accepted());
        });
        using var client = new AgentClient(new HttpClient(), new HttpClient(), new Uri($"http://127.0.0.1:{agent.Port}/"), "token");

        await Assert.ThrowsAsync<AgentApiException>(() => client.GetDeploymentAsync("d1", ct));
        var runId = await client.StartRunAsync(new RunRequest("d1", new WorkloadSpec { Name = "w", InputLen = 8, OutputLen = 8, NumPrompts = 1, Endpoint = "/v1/chat/completions" }), ct);
        Assert.Null(await client.GetRunResultAsync(runId, ct));
        Assert.False(await client.DeleteDeploymentAsync("d1", ct));

        Assert.Equal(
            [("GET /deployments/d1", true), ("POST /runs", false), ("GET /runs/r1", true), ("DELETE /deployments/d1", false)],
            received.ToArray());
    }

    [Fact]
    public async Task A_progress_feed_that_goes_silent_fails_with_a_timeout_instead_of_waiting_forever()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var agent = await LoopbackHttpServer.StartAsync(app => app.MapGet("/runs/{id}/progress", async (HttpContext context) =>
        {
            // One line, a heartbeat, then silence on an open connection: a hung agent, or a half-open link.
            context.Response.ContentType = "application/x-ndjson";
            await context.Response.WriteAsync("""{"runId":"r1","sequence":0,"state":"Running","completed":0,"failed":0,"total":1,"outputTokens":0,"elapsedSeconds":0}""" + "\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }));
        using var client = new AgentClient(new HttpClient(), new HttpClient(), new Uri($"http://127.0.0.1:{agent.Port}/"), "token")
        {
            ProgressIdleTimeout = TimeSpan.FromSeconds(1),
        };
        var seen = new List<RunProgress>();

        var error = await Assert.ThrowsAsync<TimeoutException>(async () =>
        {
            await foreach (var progress in client.FollowProgressAsync("r1", ct).WithCancellation(ct))
            {
                seen.Add(progress);
            }
        }).WaitAsync(TimeSpan.FromSeconds(30), ct);

        Assert.Single(seen);
        Assert.Contains("sent nothing for 1 s", error.Message, StringComparison.Ordinal);
    }
}
