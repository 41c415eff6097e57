using System.Net;
using GpuBench.LoadGen.Http;

namespace GpuBench.LoadGen.Tests.Http;

public class LoadHttpClientTests
{
    [Fact]
    public void Handler_is_tuned_for_thousands_of_raw_streams()
    {
        using var handler = LoadHttpClient.CreateHandler();

        Assert.Equal(int.MaxValue, handler.MaxConnectionsPerServer);
        Assert.False(handler.UseProxy);
        Assert.Equal(DecompressionMethods.None, handler.AutomaticDecompression);
        Assert.False(handler.UseCookies);
        Assert.False(handler.AllowAutoRedirect);
        Assert.Null(handler.ActivityHeadersPropagator);  // traceparent comes from the request's own span
    }

    [Fact]
    public void Client_never_times_out_on_its_own()
    {
        using var client = LoadHttpClient.Create();
        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }
}
