using System.Collections.Concurrent;
using System.Diagnostics;
using GpuBench.Core.Tracing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace GpuBench.ServiceDefaults.Tests;

/// <summary>A real Kestrel service with GpuBench's OpenTelemetry wiring, every trace sampled, called over loopback.</summary>
public sealed class UntracedRequestTests
{
    /// <summary>Keeps every span the SDK records (filtered-out requests are never recorded, so never reach it).</summary>
    private sealed class Recorded(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }

    [Fact]
    public async Task A_request_marked_untraced_gets_no_span_at_either_end_while_an_unmarked_one_gets_both()
    {
        var ct = TestContext.Current.CancellationToken;
        var spans = new ConcurrentQueue<Activity>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration[TraceSampling.SamplerVariable] = "always_on";
        builder.ConfigureOpenTelemetry();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Recorded(spans)));
        await using var app = builder.Build();
        app.MapGet("/deployments/{id}", (string id) => Results.Text(id));
        await app.StartAsync(ct);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using (var polled = new HttpRequestMessage(HttpMethod.Get, "/deployments/polled"))
        {
            polled.Headers.MarkUntraced();
            using var answer = await client.SendAsync(polled, ct);
            Assert.Equal("polled", await answer.Content.ReadAsStringAsync(ct));
        }

        using (var answer = await client.GetAsync("/deployments/asked", ct))
        {
            Assert.Equal("asked", await answer.Content.ReadAsStringAsync(ct));
        }

        // The server span ends once the response is written, possibly after the client has read it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Of(spans, "/deployments/asked").Length < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }

        var asked = Of(spans, "/deployments/asked");
        Assert.Contains(asked, s => s.Kind == ActivityKind.Client);
        Assert.Contains(asked, s => s.Kind == ActivityKind.Server);
        Assert.Empty(Of(spans, "/deployments/polled"));
    }

    /// <summary>This test's spans (others in the process, sent by parallel tests, have other paths).</summary>
    private static Activity[] Of(ConcurrentQueue<Activity> spans, string path) =>
        [.. spans.Where(s => s.TagObjects.Any(t => t.Value is string v && v.EndsWith(path, StringComparison.Ordinal)))];
}
