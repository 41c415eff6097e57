using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace GpuBench.Gateway.Configuration;

/// <summary>
/// The replicas and policy in force. Starts from configuration; the admin API replaces them at run time and YARP
/// picks the change up through this provider.
/// </summary>
public sealed class ReplicaSet : IProxyConfigProvider
{
    private readonly GatewayOptions _options;
    private readonly InMemoryConfigProvider _provider;
    private readonly Lock _lock = new();

    public ReplicaSet(IOptions<GatewayOptions> options)
    {
        _options = options.Value;
        ReplicaAddresses.TryParse(_options.Replicas, out var replicas, out _);
        Replicas = replicas;
        Policy = _options.Policy;
        _provider = new InMemoryConfigProvider(ProxyConfigFactory.Routes, [ProxyConfigFactory.Cluster(_options, Replicas, Policy)]);
    }

    public IReadOnlyList<Uri> Replicas { get; private set; }

    public string Policy { get; private set; }

    public string Deployment => _options.Deployment;

    public IProxyConfig GetConfig() => _provider.GetConfig();

    public void Replace(IReadOnlyList<Uri> replicas) => Update(replicas, Policy);

    public void SetPolicy(string policy) => Update(Replicas, policy);

    private void Update(IReadOnlyList<Uri> replicas, string policy)
    {
        lock (_lock)
        {
            Replicas = replicas;
            Policy = policy;
            _provider.Update(ProxyConfigFactory.Routes, [ProxyConfigFactory.Cluster(_options, replicas, policy)]);
        }
    }
}
