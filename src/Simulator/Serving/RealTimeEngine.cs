using System.Collections.Concurrent;
using GpuBench.Simulation.Engine;

namespace GpuBench.Simulator.Serving;

/// <summary>
/// Runs the simulated engines in real time: one dedicated thread owns the <see cref="EngineCore"/>s (one per
/// data-parallel rank), sleeps until the next micro-batch completes and hands each generated token to its
/// request's stream. Deadlines are engine times on a fixed origin, so lateness never accumulates: a late wake-up
/// is followed by an on-time one.
/// </summary>
public sealed partial class RealTimeEngine : IHostedService, IDisposable
{
    // Below this, sleeping risks overshooting the deadline by a scheduler tick; the rest is spent yielding.
    private const double SpinSeconds = 0.0015;

    private readonly EngineCore[] _cores;
    private readonly Dictionary<EngineRequest, EngineCore> _coreOf = [];
    private readonly TimeProvider _time;
    private readonly ILogger<RealTimeEngine> _logger;
    private readonly ConcurrentQueue<(LiveRequest Request, bool Abort)> _inbox = new();
    private readonly AutoResetEvent _signal = new(false);
    private readonly Dictionary<EngineRequest, LiveRequest> _live = [];
    private readonly List<TokenOutput> _outputs = [];
    private readonly long _origin;
    private Thread? _thread;
    private volatile bool _stopping;
    private double _engineTime;

    public RealTimeEngine(IReadOnlyList<EngineCore> cores, TimeProvider time, ILogger<RealTimeEngine> logger)
    {
        _cores = [.. cores];
        _time = time;
        _logger = logger;
        _origin = time.GetTimestamp();
    }

    /// <summary>Raised on the engine thread for every token, after it is handed to its stream.</summary>
    public event Action<LiveRequest, TokenOutput>? TokenProduced;

    /// <summary>Raised on the engine thread after each step with the engine's state, for gauges.</summary>
    public event Action<EngineSnapshot>? Stepped;

    public IReadOnlyList<EngineCore> Cores => _cores;

    /// <summary>Seconds since the engine started, the clock engine times are expressed in.</summary>
    public double Now => _time.GetElapsedTime(_origin).TotalSeconds;

    /// <summary>The wall-clock moment of an engine time.</summary>
    public DateTimeOffset ToWallClock(double engineTime) =>
        _time.GetUtcNow() - _time.GetElapsedTime(_origin) + TimeSpan.FromSeconds(engineTime);

    public void Submit(LiveRequest request)
    {
        _inbox.Enqueue((request, false));
        _signal.Set();
    }

    public void Abort(LiveRequest request)
    {
        _inbox.Enqueue((request, true));
        _signal.Set();
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "simulated-engine", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _signal.Set();
        _thread?.Join(TimeSpan.FromSeconds(5));
        foreach (var live in _live.Values)
        {
            live.Close();
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _signal.Dispose();

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                DrainInbox();
                var (next, core) = NextEvent();
                if (core is null)
                {
                    _signal.WaitOne();
                    continue;
                }

                if (!WaitUntil(next))
                {
                    continue; // new requests arrived first
                }

                _engineTime = Math.Max(_engineTime, next);
                core.Advance(next, _outputs);
                Dispatch();
            }
        }
        catch (Exception exception)
        {
            LogEngineFailed(_logger, exception);
            throw;
        }
    }

    private void DrainInbox()
    {
        var any = false;
        while (_inbox.TryDequeue(out var command))
        {
            any = true;
            _engineTime = Math.Max(_engineTime, Now);
            var engineRequest = command.Request.Engine;
            if (command.Abort)
            {
                if (_live.Remove(engineRequest) && _coreOf.Remove(engineRequest, out var owner))
                {
                    owner.Abort(engineRequest, _engineTime);
                    command.Request.Close();
                }
            }
            else
            {
                // As vLLM's data-parallel front end: the rank with the fewest requests gets the new one.
                var core = _cores.MinBy(c => c.Running + c.Waiting)!;
                _live[engineRequest] = command.Request;
                _coreOf[engineRequest] = core;
                core.Add(engineRequest, _engineTime);
            }
        }

        if (any)
        {
            foreach (var core in _cores)
            {
                core.Advance(_engineTime, _outputs);
            }

            Dispatch();
        }
    }

    private (double Time, EngineCore? Core) NextEvent()
    {
        (double Time, EngineCore? Core) next = (double.PositiveInfinity, null);
        foreach (var core in _cores)
        {
            if (core.NextEventTime is { } time && time < next.Time)
            {
                next = (time, core);
            }
        }

        return next;
    }

    private bool WaitUntil(double deadline)
    {
        while (true)
        {
            var remaining = deadline - Now;
            if (remaining <= 0)
            {
                return true;
            }

            if (remaining > SpinSeconds)
            {
                if (_signal.WaitOne(TimeSpan.FromSeconds(remaining - SpinSeconds)))
                {
                    return false;
                }
            }
            else if (!_inbox.IsEmpty)
            {
                return false;
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    private void Dispatch()
    {
        foreach (var output in _outputs)
        {
            if (!_live.TryGetValue(output.Request, out var live))
            {
                continue;
            }

            live.Publish(output);
            if (output.Finished)
            {
                _live.Remove(output.Request);
                _coreOf.Remove(output.Request);
            }

            TokenProduced?.Invoke(live, output);
        }

        _outputs.Clear();
        Stepped?.Invoke(new EngineSnapshot(
            _cores.Sum(c => c.Running),
            _cores.Sum(c => c.Waiting),
            _cores.Average(c => c.Pool.Usage),
            _cores.Sum(c => c.Preemptions),
            _cores.Sum(c => c.PromptTokensComputed),
            _cores.Sum(c => c.Pool.PrefixCacheQueries),
            _cores.Sum(c => c.Pool.PrefixCacheHits)));
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The simulated engine loop failed")]
    private static partial void LogEngineFailed(ILogger logger, Exception exception);
}

/// <summary>The engine's state after a step, as vLLM's gauges report it.</summary>
public readonly record struct EngineSnapshot(
    int Running, int Waiting, double KvUsage, long Preemptions, long PromptTokens, long PrefixCacheQueries, long PrefixCacheHits);
