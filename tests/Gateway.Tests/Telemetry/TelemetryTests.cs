using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using GpuBench.Gateway.Telemetry;
using GpuBench.Gateway.Tests.Support;

namespace GpuBench.Gateway.Tests.Telemetry;

/// <summary>One trace from client to engine through YARP's span; per-replica metrics on the gateway's meter.</summary>
public sealed class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Traceparent_reaches_the_replica_in_the_clients_trace_under_yarps_forwarder_span()
    {
        var forwarderSpans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GatewayMetrics.YarpActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = forwarderSpans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var replica = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([replica]);
        var traceId = ActivityTraceId.CreateRandom();
        var clientSpan = ActivitySpanId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/completions");
        request.Headers.Add("traceparent", $"00-{traceId}-{clientSpan}-01");
        using var response = await gateway.Client.SendAsync(request, Ct);
        await response.Content.ReadAsStringAsync(Ct);

        var seen = Assert.Single(replica.Traceparents).Split('-');
        Assert.Equal(traceId.ToHexString(), seen[1]);
        Assert.NotEqual(clientSpan.ToHexString(), seen[2]);
        var forwarder = Assert.Single(forwarderSpans, span => span.TraceId == traceId);
        Assert.Equal("proxy.forwarder", forwarder.OperationName);
    }

    [Fact]
    public async Task Requests_are_counted_and_timed_per_replica_on_the_gateway_meter()
    {
        await using var a = await SseReplica.StartAsync("a");
        await using var b = await SseReplica.StartAsync("b");
        var addresses = new[] { a.Address.AbsoluteUri, b.Address.AbsoluteUri };
        var counts = new ConcurrentDictionary<string, long>();
        var durations = new ConcurrentQueue<(string Replica, double Seconds)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == GatewayMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "gpubench.gateway.requests" && ReplicaOf(tags) is { } replica && addresses.Contains(replica))
            {
                counts.AddOrUpdate(replica, value, (_, sum) => sum + value);
            }
        });
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "gpubench.gateway.request.duration" && ReplicaOf(tags) is { } replica && addresses.Contains(replica))
            {
                durations.Enqueue((replica, value));
            }
        });
        meters.Start();
        await using var gateway = await TestGateway.StartAsync([a, b], "round-robin");

        for (var i = 0; i < 6; i++)
        {
            await gateway.CompleteAsync(Ct);
        }

        Assert.Equal(3, counts.GetValueOrDefault(addresses[0]));
        Assert.Equal(3, counts.GetValueOrDefault(addresses[1]));
        Assert.Equal(6, durations.Count);
        Assert.All(durations, d => Assert.InRange(d.Seconds, 0, 30));
    }

    private static string? ReplicaOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == GatewayMetrics.ReplicaTag)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
