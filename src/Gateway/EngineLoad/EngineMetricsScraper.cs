using GpuBench.Core.Prometheus;
using GpuBench.Gateway.Configuration;
using GpuBench.Gateway.LoadBalancing;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;

namespace GpuBench.Gateway.EngineLoad;

/// <summary>
/// While the queue-aware policy is in force, reads every replica's /metrics each <c>QueueAware:ScrapeInterval</c>
/// into <see cref="ReplicaLoads"/>. A replica that does not answer in time, or answers without vLLM's queue gauge,
/// has its reading dropped, so the policy balances by in-flight requests until it answers again.
/// </summary>
public sealed partial class EngineMetricsScraper(
    ReplicaSet replicas,
    ReplicaLoads loads,
    IProxyStateLookup proxyState,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<EngineMetricsScraper> logger) : BackgroundService
{
    private readonly QueueAwareOptions _options = options.Value.QueueAware;

    // Scrapes are not traced: four a second per replica would bury the spans of the requests being measured.
    private readonly HttpClient _http = new(new SocketsHttpHandler { ActivityHeadersPropagator = null, UseProxy = false })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    /// <summary>One round: every replica scraped at once, each within the scrape timeout.</summary>
    public async Task ScrapeAllAsync(CancellationToken cancellationToken)
    {
        var current = replicas.Replicas;
        loads.Retain(current.Select(r => r.AbsoluteUri).ToArray());
        await Task.WhenAll(current.Select(replica => ScrapeAsync(replica, cancellationToken)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ScrapeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (string.Equals(replicas.Policy, BalancingPolicies.QueueAware, StringComparison.OrdinalIgnoreCase))
                {
                    await ScrapeAllAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ScrapeAsync(Uri replica, CancellationToken cancellationToken)
    {
        var key = replica.AbsoluteUri;
        var inFlight = proxyState.TryGetCluster(ProxyConfigFactory.ClusterId, out var cluster)
            && cluster.Destinations.TryGetValue(key, out var destination)
            ? destination.ConcurrentRequestCount
            : 0;
        ReplicaLoad? reading = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ScrapeTimeout);
            var text = await _http.GetStringAsync(new Uri(replica, _options.MetricsPath), timeout.Token);
            reading = ReplicaLoad.From(PrometheusText.Parse(text));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever went wrong with one replica's scrape (refused, timed out, an answer that is not text) costs
            // only its reading: the loop, and the other replicas' readings, go on.
            LogScrapeFailed(logger, key, e.Message);
        }

        loads.Store(key, reading, inFlight);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scrape of {Replica} metrics failed ({Reason}); balancing it by in-flight requests")]
    private static partial void LogScrapeFailed(ILogger logger, string replica, string reason);
}
