namespace GpuBench.Gateway.Configuration;

/// <summary>The gateway's settings, bound from the "Gateway" section (appsettings, command line, environment).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Name of the deployment whose replicas this gateway serves; tags metrics and the admin status.</summary>
    public string Deployment { get; set; } = "default";

    /// <summary>Address the proxy listens on. 127.0.0.1 by default: the load generator runs on the same box.</summary>
    public string Address { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 8080;

    /// <summary>Replica base addresses at start, e.g. <c>--Gateway:Replicas:0=http://127.0.0.1:8001</c>.</summary>
    public string[] Replicas { get; set; } = [];

    /// <summary>least-requests (default), round-robin, power-of-two-choices or queue-aware.</summary>
    public string Policy { get; set; } = LoadBalancing.BalancingPolicies.LeastRequests;

    /// <summary>
    /// How long a forwarded request may see no activity (no bytes either way) before it is cancelled. vLLM can keep
    /// a request queued for many minutes before its first token, so YARP's default of 100 s would cut real work.
    /// </summary>
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Continue a connection's work on the thread that completed its socket operation instead of handing it on to the
    /// thread pool or to Kestrel's I/O queues (Kestrel's UnsafePreferInlineScheduling): fewer hops per chunk forwarded.
    /// Safe here because nothing the gateway runs per request blocks: with inline socket completions (Program.cs) the
    /// continuation runs on the runtime's socket event thread, which a blocking call would stall for every connection
    /// it serves. On by default: at 1000 streams it cut the added chunk p99 and CPU (bench/GatewayOverhead/README.md).
    /// </summary>
    public bool InlineScheduling { get; set; } = true;

    public HealthCheckOptions HealthCheck { get; set; } = new();

    public AdminOptions Admin { get; set; } = new();

    public QueueAwareOptions QueueAware { get; set; } = new();
}

/// <summary>How the queue-aware policy reads the replicas' engine metrics.</summary>
public sealed class QueueAwareOptions
{
    public string MetricsPath { get; set; } = "/metrics";

    public TimeSpan ScrapeInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan ScrapeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A reading older than this no longer counts; the replica is balanced by in-flight requests.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>Active probing of each replica's /health and the passive reaction to transport failures.</summary>
public sealed class HealthCheckOptions
{
    public string Path { get; set; } = "/health";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a replica that failed a forwarded request stays out before it is tried again.</summary>
    public TimeSpan ReactivationPeriod { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The admin listener: always 127.0.0.1, always behind a bearer token.</summary>
public sealed class AdminOptions
{
    public int Port { get; set; } = 8081;

    /// <summary>Bearer token for the admin API (env: Gateway__Admin__Token). Empty: every admin call is refused.</summary>
    public string? Token { get; set; }
}
