using GpuBench.Core.Tracing;
using Microsoft.AspNetCore.Http;

namespace GpuBench.ServiceDefaults.Tests;

public sealed class TracedRequestTests
{
    private static DefaultHttpContext Request(string path, bool untraced = false)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = path;
        if (untraced)
        {
            context.Request.Headers[UntracedRequests.Header] = "1";
        }

        return context;
    }

    [Fact]
    public void Api_requests_are_traced_but_probes_scrapes_and_marked_polls_are_not()
    {
        Assert.True(Extensions.IsTraced(Request("/deployments")));
        Assert.True(Extensions.IsTraced(Request("/v1/chat/completions")));
        Assert.False(Extensions.IsTraced(Request("/deployments", untraced: true)));
        Assert.False(Extensions.IsTraced(Request("/health")));
        Assert.False(Extensions.IsTraced(Request("/metrics")));
    }

    [Fact]
    public void Sent_requests_get_a_client_span_unless_marked_untraced_or_a_probe()
    {
        using var asked = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:8000/deployments");
        using var polled = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:8000/deployments/d1");
        polled.Headers.MarkUntraced();
        polled.Headers.MarkUntraced();
        using var probe = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:8000/health");

        Assert.True(Extensions.IsTraced(asked));
        Assert.False(Extensions.IsTraced(polled));
        Assert.Equal(["1"], polled.Headers.GetValues(UntracedRequests.Header));  // marking twice sends it once
        Assert.False(Extensions.IsTraced(probe));
    }
}
