using System.Diagnostics;
using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Dataset;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Runtime;
using GpuBench.LoadGen.Scheduling;
using GpuBench.LoadGen.Streaming;
using GpuBench.LoadGen.Telemetry;

namespace GpuBench.LoadGen.Running;

/// <summary>
/// Runs a load as <c>vllm bench serve</c> does: builds the dataset through the server's tokenizer, sends
/// warmups, then releases requests on schedule (all at once, or gamma arrivals), each waiting for a client
/// concurrency slot, and measures every one. Failures are results: the run goes on and counts them.
/// </summary>
public sealed class LoadRunner(HttpClient http, LoadGenTelemetry telemetry)
{
    /// <summary>Parallel /tokenize and /detokenize calls while the dataset is built.</summary>
    private const int DatasetParallelism = 16;

    public async Task<LoadResult> RunAsync(LoadOptions options, IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfInvalid(options);
        var model = options.Model
            ?? await ModelDiscovery.FirstModelAsync(http, options.BaseUrl, options.ApiKey, cancellationToken).ConfigureAwait(false);
        progress?.Report(new LoadProgress("dataset", options.NumPrompts, 0, 0, 0, 0));
        var samples = await DatasetSampler.BuildAsync(
            options, new ServerTokenizer(http, options.BaseUrl, model), DatasetParallelism, cancellationToken).ConfigureAwait(false);
        var result = await RunAsync(options with { Model = model }, samples, progress, cancellationToken).ConfigureAwait(false);
        var dataset = DatasetSampler.Summarise(options, samples);
        return result with { Metrics = result.Metrics with { GpuBench = result.Metrics.GpuBench is { } ours ? ours with { Dataset = dataset } : null } };
    }

    /// <summary>Runs the given prompts (the dataset already built); <see cref="LoadOptions.Model"/> must be set.</summary>
    public async Task<LoadResult> RunAsync(
        LoadOptions options, IReadOnlyList<SampleRequest> samples, IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(samples);
        ThrowIfInvalid(options);
        var model = options.Model ?? throw new ArgumentException("LoadOptions.Model must be set.", nameof(options));
        var multiTurn = options.Dataset.MultiTurn;

        // What one task sends while it holds one concurrency slot: a request, or a conversation's turns in order.
        SampleRequest[][] units = multiTurn
            ? [.. samples.GroupBy(s => s.Conversation).Select(g => g.OrderBy(s => s.Turn).ToArray())]
            : [.. samples.Select(s => new[] { s })];
        var bodies = multiTurn ? null : samples.Select(s => RequestBody.Serialize(s, model, options)).ToArray();
        var operation = options.Backend == Backend.OpenAIChat ? "chat" : "text_completion";
        var sender = new StreamingRequestSender(
            http, new Uri(options.BaseUrl, options.Endpoint), model, operation, options.ApiKey, telemetry, options.KeepGeneratedText || multiTurn);
        using var slots = options.MaxConcurrency is { } limit ? new SemaphoreSlim(limit, limit) : null;

        if (options.NumWarmups > 0 && samples.Count > 0)
        {
            progress?.Report(new LoadProgress("warmup", options.NumWarmups, 0, 0, 0, 0));
            var warmupBody = bodies?[0] ?? RequestBody.Serialize(samples[0], model, options);
            await Task.WhenAll(Enumerable.Range(0, options.NumWarmups).Select(_ => Task.Run(async () =>
            {
                await WaitForSlotAsync(slots, cancellationToken).ConfigureAwait(false);
                try
                {
                    await sender.SendAsync(-1, warmupBody, samples[0].PromptTokens, samples[0].OutputTokens, Stopwatch.GetTimestamp(),
                        options.RequestTimeout, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    slots?.Release();
                }
            }, cancellationToken))).ConfigureAwait(false);
        }

        // A trace's requests carry their own send times; otherwise vLLM's arrival process decides (conversations arrive as requests do).
        var offsets = samples.Any(s => s.SendAtS is not null)
            ? [.. units.Select(u => u[0].SendAtS ?? 0)]
            : ArrivalSchedule.Offsets(units.Length, options.RequestRate, options.Burstiness, Seeds.For(options.Seed, -2));
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.RunTimeout is { } runTimeout)
        {
            run.CancelAfter(runTimeout);
        }

        var cacheBefore = await PrefixCacheCounters.ReadAsync(http, options.EngineMetricsUrls, cancellationToken).ConfigureAwait(false);
        var state = new RunState(samples.Count, progress);
        using var quietGc = QuietGcWindow.Enter(samples.Count, samples.Sum(s => (long)s.OutputTokens));
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var origin = Stopwatch.GetTimestamp();
        state.Finished(origin);
        var tasks = new Task<List<RequestRecord>>[units.Length];
        for (var i = 0; i < units.Length; i++)
        {
            var scheduled = origin + (long)(offsets[i] * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), scheduled);
            if (wait > TimeSpan.Zero && !run.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(wait, run.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The run's time is up: the remaining requests are recorded as not sent.
                }
            }

            var released = Stopwatch.GetTimestamp();
            var unit = units[i];
            var body = bodies?[i];
            tasks[i] = Task.Run(() => SendUnitAsync(unit, body, released, scheduled), CancellationToken.None);
        }

        RequestRecord[] records = [.. (await Task.WhenAll(tasks).ConfigureAwait(false)).SelectMany(r => r).OrderBy(r => r.Index)];
        var durationS = Stopwatch.GetElapsedTime(origin, state.LastFinish).TotalSeconds;
        var cpuS = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var (gcCount, gcPause) = (quietGc.Collections, quietGc.Pause);
        quietGc.Dispose();

        if (run.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            records = [.. records.Select(r => r.ErrorKind == RequestErrorKind.Cancelled
                ? r with { ErrorKind = RequestErrorKind.Timeout, Error = $"the whole-run timeout ({options.RunTimeout?.TotalSeconds:0.###} s) expired" }
                : r)];
        }

        var metrics = MetricsCalculator.Compute(records, durationS, options.Metrics with
        {
            MaxConcurrency = options.MaxConcurrency,
            RequestRate = options.RequestRate,
        });
        var prefixCache = PrefixCacheCounters.Delta(
            cacheBefore, await PrefixCacheCounters.ReadAsync(http, options.EngineMetricsUrls, cancellationToken).ConfigureAwait(false));
        metrics = metrics with
        {
            GpuBench = metrics.GpuBench?.WithClientCpu(cpuS).WithClientGc(gcCount, gcPause.TotalMilliseconds) is { } ours ? ours with { PrefixCache = prefixCache } : null,
        };
        return new LoadResult(options, model, records, metrics, origin);

        // One request, or one conversation: its turns in order, each with the history and the model's answers so far,
        // the think time between them, all under the one concurrency slot. A failed turn ends the conversation (as
        // vLLM's multi-turn client drops it); its later turns are recorded as not sent.
        async Task<List<RequestRecord>> SendUnitAsync(SampleRequest[] unit, byte[]? body, long released, long scheduled)
        {
            var records = new List<RequestRecord>(unit.Length);
            var sendLag = Math.Max(0, Stopwatch.GetElapsedTime(scheduled, released).TotalSeconds);
            try
            {
                await WaitForSlotAsync(slots, run.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                NotSent(0, "the run ended before a concurrency slot was free; the request was never sent");
                return records;
            }

            try
            {
                var queueS = Stopwatch.GetElapsedTime(released).TotalSeconds;
                var history = body is null ? new List<ChatMessage>() : null;
                var due = released;
                for (var t = 0; t < unit.Length; t++)
                {
                    var sample = unit[t];
                    history?.Add(new ChatMessage(ChatMessage.User, sample.Prompt));
                    var lag = t == 0 ? sendLag : Math.Max(0, Stopwatch.GetElapsedTime(due).TotalSeconds);
                    state.Started();
                    RequestRecord record;
                    try
                    {
                        record = await sender.SendAsync(sample.Index, body ?? RequestBody.Serialize(history!, sample.OutputTokens, model, options),
                            sample.PromptTokens, sample.OutputTokens, origin, options.RequestTimeout, run.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        state.Stopped();
                    }

                    var text = record.GeneratedText;
                    Add(record with
                    {
                        QueueS = t == 0 ? queueS : 0,
                        SendLagS = lag,
                        Conversation = sample.Conversation,
                        Turn = sample.Turn,
                        GeneratedText = options.KeepGeneratedText ? text : null,
                    });
                    if (t + 1 == unit.Length)
                    {
                        break;
                    }

                    if (!record.Success)
                    {
                        NotSent(t + 1, $"turn {t} of the conversation failed, so its later turns were not sent");
                        break;
                    }

                    history!.Add(new ChatMessage(ChatMessage.Assistant, text ?? ""));
                    var think = TimeSpan.FromSeconds(options.Dataset.ThinkTime);
                    due = Stopwatch.GetTimestamp() + (long)(think.TotalSeconds * Stopwatch.Frequency);
                    try
                    {
                        await Task.Delay(think, run.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        NotSent(t + 1, "the run ended during the think time; the conversation's later turns were never sent");
                        break;
                    }
                }
            }
            finally
            {
                slots?.Release();
            }

            return records;

            void Add(RequestRecord record)
            {
                state.Completed(record);
                records.Add(record);
            }

            void NotSent(int from, string error)
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var sample in unit.Skip(from))
                {
                    Add(new RequestRecord
                    {
                        Index = sample.Index,
                        Conversation = sample.Conversation,
                        Turn = sample.Turn,
                        StartS = Stopwatch.GetElapsedTime(origin, now).TotalSeconds,
                        QueueS = Stopwatch.GetElapsedTime(released, now).TotalSeconds,
                        SendLagS = sendLag,
                        PromptTokens = sample.PromptTokens,
                        ErrorKind = RequestErrorKind.Cancelled,
                        Error = error,
                    });
                }
            }
        }
    }

    private static Task WaitForSlotAsync(SemaphoreSlim? slots, CancellationToken cancellationToken) =>
        slots?.WaitAsync(cancellationToken) ?? Task.CompletedTask;

    private static void ThrowIfInvalid(LoadOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }
    }

    /// <summary>Counters shared by the run's request tasks.</summary>
    private sealed class RunState(int total, IProgress<LoadProgress>? progress)
    {
        private int _completed;
        private int _failed;
        private int _inFlight;
        private long _outputTokens;
        private long _lastFinish;

        public long LastFinish => Volatile.Read(ref _lastFinish);

        public void Started()
        {
            Interlocked.Increment(ref _inFlight);
            Report();
        }

        public void Stopped() => Interlocked.Decrement(ref _inFlight);

        public void Completed(RequestRecord record)
        {
            Finished(Stopwatch.GetTimestamp());
            Interlocked.Increment(ref record.Success ? ref _completed : ref _failed);
            Interlocked.Add(ref _outputTokens, record.OutputTokens);
            Report();
        }

        public void Finished(long timestamp)
        {
            var seen = Volatile.Read(ref _lastFinish);
            while (timestamp > seen)
            {
                var previous = Interlocked.CompareExchange(ref _lastFinish, timestamp, seen);
                if (previous == seen)
                {
                    return;
                }

                seen = previous;
            }
        }

        private void Report() => progress?.Report(new LoadProgress(
            "run", total, Volatile.Read(ref _completed), Volatile.Read(ref _failed), Volatile.Read(ref _inFlight), Interlocked.Read(ref _outputTokens)));
    }
}
