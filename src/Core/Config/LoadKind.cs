namespace GpuBench.Core.Config;

/// <summary>The load parameter a sweep varies, as <c>vllm bench serve</c> names it.</summary>
public enum LoadKind
{
    /// <summary><c>max_concurrency</c>: most requests in flight at once; points are named c&lt;N&gt;.</summary>
    MaxConcurrency,

    /// <summary><c>request_rate</c>: requests per second; points are named r&lt;RATE&gt;.</summary>
    RequestRate,
}
