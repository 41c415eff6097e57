using GpuBench.Gateway.Configuration;
using GpuBench.Gateway.LoadBalancing;
using Yarp.ReverseProxy.LoadBalancing;

namespace GpuBench.Gateway.Tests.Configuration;

public sealed class GatewayOptionsTests
{
    private static IEnumerable<string> Errors(GatewayOptions options) =>
        new GatewayOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void Defaults_are_valid_and_allow_half_an_hour_of_silence_on_a_stream()
    {
        var options = new GatewayOptions();

        Assert.Empty(Errors(options));
        Assert.True(options.ActivityTimeout >= TimeSpan.FromMinutes(30));
        Assert.Equal("least-requests", options.Policy);
    }

    [Fact]
    public void The_cluster_forwards_unbuffered_with_the_configured_timeout_and_both_health_checks()
    {
        var options = new GatewayOptions { ActivityTimeout = TimeSpan.FromMinutes(45) };

        var cluster = ProxyConfigFactory.Cluster(options, [new Uri("http://127.0.0.1:8001")], "round-robin");

        Assert.Equal(TimeSpan.FromMinutes(45), cluster.HttpRequest!.ActivityTimeout);
        Assert.False(cluster.HttpRequest.AllowResponseBuffering);
        Assert.Equal("/health", cluster.HealthCheck!.Active!.Path);
        Assert.True(cluster.HealthCheck.Active.Enabled);
        Assert.True(cluster.HealthCheck.Passive!.Enabled);
        Assert.Equal(LoadBalancingPolicies.RoundRobin, cluster.LoadBalancingPolicy);
        Assert.Equal("http://127.0.0.1:8001/", Assert.Single(cluster.Destinations!.Values).Address);
    }

    [Fact]
    public void Queue_aware_selects_the_gateways_own_policy() =>
        Assert.Equal(
            QueueAwarePolicy.PolicyName,
            ProxyConfigFactory.Cluster(new GatewayOptions(), [new Uri("http://127.0.0.1:8001")], "queue-aware").LoadBalancingPolicy);

    [Fact]
    public void Only_the_engine_paths_are_routed() =>
        Assert.Equal(["/v1/{**rest}", "/tokenize", "/detokenize", "/health"], ProxyConfigFactory.Routes.Select(r => r.Match.Path));

    [Theory]
    [InlineData("Gateway:Replicas", "localhost:8001")]
    [InlineData("Gateway:Policy", null)]
    [InlineData("Gateway:Address", null)]
    [InlineData("Gateway:ActivityTimeout", null)]
    [InlineData("Gateway:QueueAware:ScrapeInterval", null)]
    [InlineData("Gateway:QueueAware:MetricsPath", null)]
    public void A_bad_setting_is_named_in_the_error(string setting, string? replica)
    {
        var options = new GatewayOptions { Replicas = replica is null ? [] : [replica] };
        switch (setting)
        {
            case "Gateway:Policy": options.Policy = "fastest"; break;
            case "Gateway:Address": options.Address = "example.com"; break;
            case "Gateway:ActivityTimeout": options.ActivityTimeout = TimeSpan.Zero; break;
            case "Gateway:QueueAware:ScrapeInterval": options.QueueAware.ScrapeInterval = TimeSpan.Zero; break;
            case "Gateway:QueueAware:MetricsPath": options.QueueAware.MetricsPath = "metrics"; break;
        }

        var error = Assert.Single(Errors(options));
        Assert.StartsWith(setting + ":", error);
    }
}
