using System.Text;
using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Http;
using GpuBench.LoadGen.Streaming;
using GpuBench.LoadGen.Telemetry;
using GpuBench.LoadGen.Tests.Server;

namespace GpuBench.LoadGen.Tests.Streaming;

/// <summary>One request against a real server that misbehaves: the client's memory stays bounded and the failure says why.</summary>
public sealed class StreamingRequestSenderTests : IDisposable
{
    private readonly LoadGenTelemetry _telemetry = new();
    private readonly HttpClient _http = LoadHttpClient.Create();

    [Fact]
    public async Task A_line_that_never_ends_fails_the_request_as_a_malformed_stream_without_growing_without_bound()
    {
        await using var server = await ScriptedSseServer.StartAsync(new Script { BehaviourOf = _ => Behaviour.EndlessLine });

        var record = await SendAsync(server).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.False(record.Success);
        Assert.Equal(RequestErrorKind.MalformedStream, record.ErrorKind);
        Assert.Contains("an SSE line exceeded 1024 KiB without a newline", record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_body_that_never_ends_is_cut_to_an_excerpt()
    {
        await using var server = await ScriptedSseServer.StartAsync(new Script { BehaviourOf = _ => Behaviour.EndlessErrorBody });

        var record = await SendAsync(server).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal(RequestErrorKind.Http, record.ErrorKind);
        Assert.StartsWith("HTTP 500: data: xxx", record.Error, StringComparison.Ordinal);
        Assert.True(record.Error!.Length < 600, $"{record.Error.Length} characters of error");
    }

    [Fact]
    public async Task A_request_past_its_timeout_fails_as_a_timeout()
    {
        await using var server = await ScriptedSseServer.StartAsync(new Script { BehaviourOf = _ => Behaviour.Hang });

        var record = await SendAsync(server, TimeSpan.FromMilliseconds(500)).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal(RequestErrorKind.Timeout, record.ErrorKind);
    }

    public void Dispose()
    {
        _http.Dispose();
        _telemetry.Dispose();
    }

    private Task<RequestRecord> SendAsync(ScriptedSseServer server, TimeSpan? timeout = null)
    {
        var sender = new StreamingRequestSender(_http, new Uri(server.BaseUrl, "v1/chat/completions"), ScriptedSseServer.ModelName, "chat", null, _telemetry);
        var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new
        {
            model = ScriptedSseServer.ModelName,
            messages = new[] { new { role = "user", content = "a b c" } },
            max_completion_tokens = 4,
            stream = true,
            stream_options = new { include_usage = true },
        }));
        return sender.SendAsync(0, body, 3, 4, System.Diagnostics.Stopwatch.GetTimestamp(), timeout, TestContext.Current.CancellationToken);
    }
}
