using System.Diagnostics;
using GpuBench.Gateway.Tests.Support;

namespace GpuBench.Gateway.Tests.Forwarding;

/// <summary>SSE passes through the gateway untouched: chunk by chunk, as the replica writes them.</summary>
public sealed class StreamingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sse_chunks_reach_the_client_one_by_one_as_the_replica_writes_them()
    {
        await using var replica = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([replica]);

        var sent = Stopwatch.GetTimestamp();
        var (response, sse) = await gateway.StreamAsync(chunks: 6, intervalMs: 100, Ct);
        using (response)
        {
            var events = await sse.ReadToEndAsync(Ct);

            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal(7, events.Count);
            Assert.Equal("[DONE]", events[^1].Data);
            // A buffering proxy would deliver nothing before the replica finished writing.
            Assert.True(events[0].ArrivedAt < replica.LastStreamWrittenAt, "the first chunk arrived only after the stream was complete");
            // The first request through a gateway just started pays for its JIT; a loaded machine makes that seconds.
            Assert.True(Stopwatch.GetElapsedTime(sent, events[0].ArrivedAt) < TimeSpan.FromSeconds(10));
            // Chunks written 100 ms apart arrive in separate reads, spread over the replica's ~500 ms; a loaded test
            // machine may merge a pair or two or hold the first back a while, a buffering proxy would merge them all.
            var chunks = events.Take(6).ToArray();
            Assert.True(chunks.Select(e => e.Read).Distinct().Count() >= 4, $"reads: {string.Join(",", chunks.Select(e => e.Read))}");
            Assert.True(Stopwatch.GetElapsedTime(chunks[0].ArrivedAt, chunks[^1].ArrivedAt) >= TimeSpan.FromMilliseconds(150));
        }
    }

    [Fact]
    public async Task A_stream_silent_for_longer_than_the_activity_timeout_is_cut()
    {
        await using var replica = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([replica], settings: "--Gateway:ActivityTimeout=00:00:01");

        var (response, sse) = await gateway.StreamAsync(chunks: 3, intervalMs: 3000, Ct);
        using (response)
        {
            await sse.NextAsync(Ct);
            await Assert.ThrowsAnyAsync<IOException>(() => sse.ReadToEndAsync(Ct));
        }
    }

    [Fact]
    public async Task A_stream_silent_for_less_than_the_activity_timeout_completes()
    {
        await using var replica = await SseReplica.StartAsync("a");
        await using var gateway = await TestGateway.StartAsync([replica], settings: "--Gateway:ActivityTimeout=00:00:30");

        var (response, sse) = await gateway.StreamAsync(chunks: 2, intervalMs: 3000, Ct);
        using (response)
        {
            Assert.Equal(3, (await sse.ReadToEndAsync(Ct)).Count);
        }
    }
}
