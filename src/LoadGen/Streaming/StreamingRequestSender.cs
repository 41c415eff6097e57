using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Telemetry;

namespace GpuBench.LoadGen.Streaming;

/// <summary>
/// Sends one streamed completion and measures it as src/Core/Metrics/README.md defines: start just before the POST, TTFT at
/// the first choices-bearing event, ITL between such events, output tokens from the server's usage. Never retries;
/// every failure comes back as a failed <see cref="RequestRecord"/> with its reason. With <paramref name="keepText"/>,
/// a successful record also carries the generated text (a failed one never does: vLLM saves "" for it).
/// </summary>
public sealed class StreamingRequestSender(
    HttpClient http, Uri endpoint, string model, string operationName, string? apiKey, LoadGenTelemetry telemetry, bool keepText = false)
{
    private const int ErrorBodyExcerpt = 500;

    /// <param name="index">The request's index in the run (or −1 for a warmup).</param>
    /// <param name="body">The serialised request body.</param>
    /// <param name="clientPromptTokens">The client's own prompt length, used when the server reports none.</param>
    /// <param name="maxTokens">Requested output tokens, to size the timeline.</param>
    /// <param name="originTimestamp">Stopwatch timestamp of the run's origin; start offsets are relative to it.</param>
    /// <param name="timeout">Per-request timeout, or null.</param>
    /// <param name="cancellationToken">Cancels the whole run; the request then comes back as Cancelled.</param>
    public async Task<RequestRecord> SendAsync(
        int index, ReadOnlyMemory<byte> body, int clientPromptTokens, int maxTokens, long originTimestamp, TimeSpan? timeout,
        CancellationToken cancellationToken)
    {
        // One trace per benchmark request, sampled on its own, not a child of whatever started the run (the agent's
        // POST /runs): the caller's span is linked instead.
        var caller = Activity.Current;
        Activity.Current = null;
        using var activity = telemetry.Source.StartActivity($"{operationName} {model}", ActivityKind.Client, default(ActivityContext),
            links: caller is null ? null : [new ActivityLink(caller.Context)]);
        activity?.SetTag("gen_ai.operation.name", operationName);
        activity?.SetTag("gen_ai.request.model", model);
        activity?.SetTag("gen_ai.request.max_tokens", maxTokens);
        activity?.SetTag("gpubench.request.index", index);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            timeoutSource.CancelAfter(limit);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Version = HttpVersion.Version11,
            Content = new ReadOnlyMemoryContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        if (activity is not null)
        {
            DistributedContextPropagator.Current.Inject(activity, request.Headers,
                static (carrier, key, value) => ((HttpRequestHeaders)carrier!).TryAddWithoutValidation(key, value));
        }

        using var timeline = new ChunkTimeline(maxTokens + 4, telemetry, keepText);
        telemetry.InFlight.Add(1);
        var start = Stopwatch.GetTimestamp();
        timeline.StartTimestamp = start;
        int? status = null;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            activity?.SetTag("http.response.status_code", status);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var text = await ReadExcerptAsync(response.Content, timeoutSource.Token).ConfigureAwait(false);
                return Failed(RequestErrorKind.Http, $"HTTP {status}: {text}");
            }

            var stream = await response.Content.ReadAsStreamAsync(timeoutSource.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await SseReader.ReadAsync(stream, timeline, timeoutSource.Token).ConfigureAwait(false);
            }

            if (timeline.SawErrorEvent)
            {
                return Failed(RequestErrorKind.Other, "the server sent an error event in the stream");
            }

            return timeline.Count == 0
                ? Failed(RequestErrorKind.EmptyStream, "HTTP 200 but the stream carried no choices-bearing event")
                : Succeeded();
        }
        catch (MalformedStreamException e)
        {
            return Failed(RequestErrorKind.MalformedStream, $"malformed SSE: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeoutSource.IsCancellationRequested)
        {
            return Failed(RequestErrorKind.Timeout, $"request timed out after {timeout?.TotalSeconds:0.###} s");
        }
        catch (OperationCanceledException)
        {
            return Failed(RequestErrorKind.Cancelled, "the run was cancelled while the request was in flight");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return Failed(RequestErrorKind.Connection, Describe(e));
        }
#pragma warning disable CA1031 // A benchmark request's failure is a result, never a crash of the run.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Failed(RequestErrorKind.Other, Describe(e));
        }
        finally
        {
            telemetry.InFlight.Add(-1);
        }

        double Seconds(long from, long to) => (double)(to - from) / Stopwatch.Frequency;

        RequestRecord Succeeded()
        {
            var itl = timeline.Gaps();
            var ttft = Seconds(start, timeline.FirstTimestamp);
            var e2el = Seconds(start, timeline.LastTimestamp);
            var output = timeline.CompletionTokens ?? timeline.Count;
            var prompt = timeline.PromptTokens ?? clientPromptTokens;
            telemetry.OperationDuration.Record(e2el);

            // TTFT, ITL, chunks and tokens went out live, chunk by chunk; the server's final usage settles the token count
            // upwards only: a counter never goes down, and chunks without usage (a chat stream's role chunk) counted one each.
            if (output > timeline.LiveTokens)
            {
                telemetry.OutputTokens.Add(output - timeline.LiveTokens);
            }
            activity?.SetTag("gen_ai.usage.input_tokens", prompt);
            activity?.SetTag("gen_ai.usage.output_tokens", output);
            activity?.SetTag("gen_ai.response.time_to_first_chunk", ttft);
            return new RequestRecord
            {
                Index = index,
                StartS = Seconds(originTimestamp, start),
                TtftS = ttft,
                E2elS = e2el,
                ItlS = itl,
                ChunkTokens = timeline.TokensPerChunk(),
                PromptTokens = prompt,
                OutputTokens = output,
                Success = true,
                StatusCode = status,
                GeneratedText = timeline.Text(),
            };
        }

        RequestRecord Failed(RequestErrorKind kind, string error)
        {
            var end = Stopwatch.GetTimestamp();
            telemetry.Failures.Add(1, new KeyValuePair<string, object?>("error.type", kind.ToString()));
            activity?.SetTag("error.type", kind.ToString());
            activity?.SetStatus(ActivityStatusCode.Error, error);
            return new RequestRecord
            {
                Index = index,
                StartS = Seconds(originTimestamp, start),
                TtftS = timeline.Count > 0 ? Seconds(start, timeline.FirstTimestamp) : 0,
                E2elS = Seconds(start, end),
                PromptTokens = clientPromptTokens,
                ErrorKind = kind,
                Error = error,
                StatusCode = status,
            };
        }
    }

    /// <summary>The start of an error body, never more: a server may send an endless one.</summary>
    private static async Task<string> ReadExcerptAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[ErrorBodyExcerpt * 4];
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += read;
            }

            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, filled);
            return text.Length > ErrorBodyExcerpt ? text[..ErrorBodyExcerpt] : text;
        }
    }

    private static string Describe(Exception e) =>
        e.InnerException is { } inner ? $"{e.GetType().Name}: {e.Message} ({inner.GetType().Name}: {inner.Message})" : $"{e.GetType().Name}: {e.Message}";
}
