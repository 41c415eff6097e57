using GpuBench.Gateway.Health;
using Yarp.ReverseProxy.Forwarder;

namespace GpuBench.Gateway.Tests.Health;

public sealed class FirstFailurePolicyTests
{
    [Theory]
    [InlineData(ForwarderError.Request, true)]
    [InlineData(ForwarderError.RequestTimedOut, true)]
    [InlineData(ForwarderError.ResponseBodyDestination, true)]
    [InlineData(ForwarderError.RequestBodyDestination, true)]
    [InlineData(ForwarderError.None, false)]
    [InlineData(ForwarderError.RequestCanceled, false)]
    [InlineData(ForwarderError.ResponseBodyClient, false)]
    [InlineData(ForwarderError.ResponseBodyCanceled, false)]
    [InlineData(ForwarderError.RequestBodyClient, false)]
    [InlineData(ForwarderError.NoAvailableDestinations, false)]
    public void Only_failures_on_the_replicas_side_take_it_out(ForwarderError error, bool replicaFailed) =>
        Assert.Equal(replicaFailed, FirstFailurePolicy.IsReplicaFailure(error));
}
