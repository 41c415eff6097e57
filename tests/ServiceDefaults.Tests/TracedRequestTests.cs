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
            context.Request.Headers[Extensions.UntracedHeader] = "1";
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
}
