using System.Net.Http.Headers;

namespace GpuBench.Core.Tracing;

/// <summary>
/// Requests that GpuBench processes send but that no one wants in the trace view: status polls every half second
/// (the controller and the AppHost following deployments and runs) and a benchmark's setup (the load generator's
/// model lookup and tokenizer calls). The header tells both ends, the sender's HTTP client and the receiving
/// service (ServiceDefaults), to record no span for it; the benchmark's own requests then stand alone.
/// ServiceDefaults, which references no project, compiles this file in as an internal copy (GPUBENCH_SERVICEDEFAULTS).
/// </summary>
#if GPUBENCH_SERVICEDEFAULTS
internal
#else
public
#endif
static class UntracedRequests
{
    public const string Header = "GpuBench-Untraced";

    /// <summary>Marks the requests these headers go on (a request's own, or an HttpClient's defaults) as untraced.</summary>
    public static void MarkUntraced(this HttpRequestHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (!headers.Contains(Header))
        {
            headers.Add(Header, "1");
        }
    }

    public static bool IsUntraced(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.Contains(Header);
    }
}
