using GpuBench.Core.Hardware;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Performance;
using GpuBench.Simulation.Profiles;

namespace GpuBench.Simulation.Prediction;

/// <summary>
/// Runs replicas of the simulated engine in virtual time against a workload: no HTTP, no sleeping. Requests go to
/// replicas round-robin, as nginx and the gateway's default policy spread them.
/// </summary>
public sealed class Predictor(GpuProfile gpu, ModelProfile model, EngineOptions options, int replicas, Calibration? calibration = null)
{
    public ReplicaModel ReplicaModel { get; } = new(gpu, model, options.Resolve(gpu, model), calibration);

    public PredictionResult Run(PredictionWorkload workload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        var engines = Enumerable.Range(0, replicas).Select(_ => new EngineCore(ReplicaModel)).ToArray();
        var random = new Random(workload.Seed);
        var requests = workload.Requests ?? [.. Enumerable.Range(0, workload.NumPrompts)
            .Select(_ => new PredictionRequest(Sample(random, workload.InputLen, workload.RangeRatio, 1), Sample(random, workload.OutputLen, workload.RangeRatio, 1)))];

        // What holds one concurrency slot: a request, or a conversation's turns in order.
        var units = requests.Select((r, i) => (Request: r, Index: i))
            .GroupBy(x => x.Request.Conversation ?? -1 - x.Index)
            .Select(g => g.OrderBy(x => x.Request.Turn).Select(x => x.Index).ToArray())
            .ToArray();
        var unitArrivals = requests.Any(r => r.SendAtS is not null)
            ? [.. units.Select(u => requests[u[0]].SendAtS ?? 0)]
            : Arrivals(units.Length, workload.RequestRate, workload.Burstiness, random);

        var count = requests.Count;
        var arrivals = new double[count];
        var starts = new double[count];
        var replicaOf = new int[count];
        var tokenTimes = new List<double>[count];
        var engineRequests = new EngineRequest[count];
        var indexOf = new Dictionary<EngineRequest, (int Unit, int Turn)>(count);
        var ready = new Queue<int>();
        var nextTurns = new PriorityQueue<(int Unit, int Turn), double>();
        var slots = workload.MaxConcurrency ?? int.MaxValue;
        var nextArrival = 0;
        var nextReplica = 0;
        var outputs = new List<TokenOutput>();
        var finished = 0;
        var now = 0.0;

        void Record(List<TokenOutput> produced)
        {
            foreach (var output in produced)
            {
                var (unit, turn) = indexOf[output.Request];
                tokenTimes[units[unit][turn]].Add(output.Time);
                if (!output.Finished)
                {
                    continue;
                }

                finished++;
                if (turn + 1 < units[unit].Length)
                {
                    nextTurns.Enqueue((unit, turn + 1), output.Time + workload.ThinkTime);
                }
                else
                {
                    slots++;
                }
            }

            produced.Clear();
        }

        void Send(int unit, int turn, double arrival)
        {
            var index = units[unit][turn];
            var replica = nextReplica++ % engines.Length;
            var r = requests[index];
            var request = new EngineRequest($"req-{index}", r.InputLen, r.OutputLen, promptTokenIds: r.Conversation is { } c ? ConversationTokens(c, r.InputLen) : null);
            engineRequests[index] = request;
            indexOf[request] = (unit, turn);
            arrivals[index] = arrival;
            starts[index] = now;
            replicaOf[index] = replica;
            tokenTimes[index] = new List<double>(r.OutputLen);
            engines[replica].Add(request, now);
            engines[replica].Advance(now, outputs);
            Record(outputs);
        }

        while (finished < count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var engineTime = double.PositiveInfinity;
            var engineIndex = -1;
            for (var e = 0; e < engines.Length; e++)
            {
                if (engines[e].NextEventTime is { } t && t < engineTime)
                {
                    engineTime = t;
                    engineIndex = e;
                }
            }

            var arrivalTime = nextArrival < unitArrivals.Length ? unitArrivals[nextArrival] : double.PositiveInfinity;
            var turnTime = nextTurns.TryPeek(out _, out var due) ? due : double.PositiveInfinity;
            if (nextArrival < unitArrivals.Length && arrivalTime <= engineTime && arrivalTime <= turnTime)
            {
                now = arrivalTime;
                ready.Enqueue(nextArrival++);
            }
            else if (turnTime <= engineTime && turnTime < double.PositiveInfinity)
            {
                // The conversation's next turn: it already holds its slot.
                now = turnTime;
                var (unit, turn) = nextTurns.Dequeue();
                Send(unit, turn, now);
            }
            else if (engineIndex >= 0)
            {
                now = engineTime;
                engines[engineIndex].Advance(now, outputs);
            }
            else
            {
                throw new InvalidOperationException("The simulated engines stalled with requests outstanding.");
            }

            Record(outputs);

            while (slots > 0 && ready.Count > 0)
            {
                var unit = ready.Dequeue();
                slots--;
                Send(unit, 0, unitArrivals[unit]);
            }
        }

        var predicted = Enumerable.Range(0, count)
            .Select(i => new PredictedRequest(i, replicaOf[i], arrivals[i], starts[i], engineRequests[i].PromptTokens, engineRequests[i].OutputTokens,
                tokenTimes[i], engineRequests[i].Preemptions, requests[i].Conversation, requests[i].Turn))
            .ToArray();
        var duration = predicted.Max(r => r.EndTime) - (unitArrivals.Length > 0 ? unitArrivals[0] : 0);
        var prefixCache = workload.Requests is null
            ? null
            : new Core.Metrics.PrefixCacheSummary(engines.Sum(e => e.Pool.PrefixCacheQueries), engines.Sum(e => e.Pool.PrefixCacheHits));
        return new PredictionResult(predicted, duration, engines.Sum(e => e.Preemptions), engines.Sum(e => e.StepsCompleted), ReplicaModel.KvCapacityTokens,
            prefixCache);
    }

    /// <summary>
    /// Token ids standing for a conversation's first <paramref name="length"/> tokens: the same at each position for
    /// every turn of the conversation, so a turn's prompt starts with the previous turn's, as the real history does,
    /// and the prefix cache finds it; other conversations' differ.
    /// </summary>
    private static int[] ConversationTokens(int conversation, int length)
    {
        var ids = new int[length];
        for (var p = 0; p < length; p++)
        {
            var z = unchecked(((ulong)(uint)conversation << 32 | (uint)p) * 0x9E3779B97F4A7C15UL);
            ids[p] = (int)((z ^ (z >> 29)) & 0x3FFFFFFF);
        }

        return ids;
    }

    private static int Sample(Random random, int length, double ratio, int minimum)
    {
        if (ratio <= 0)
        {
            return Math.Max(minimum, length);
        }

        var low = Math.Max(minimum, (int)Math.Floor(length * (1 - ratio)));
        var high = Math.Max(low, (int)Math.Ceiling(length * (1 + ratio)));
        return random.Next(low, high + 1);
    }

    private static double[] Arrivals(int count, double rate, double burstiness, Random random)
    {
        var arrivals = new double[count];
        if (double.IsPositiveInfinity(rate))
        {
            return arrivals;
        }

        var time = 0.0;
        for (var i = 0; i < arrivals.Length; i++)
        {
            arrivals[i] = time;
            time += Gamma(random, burstiness, 1 / (rate * burstiness));
        }

        return arrivals;
    }

    /// <summary>Marsaglia–Tsang gamma sampler (shape k, scale θ), boosted for k below 1.</summary>
    private static double Gamma(Random random, double shape, double scale)
    {
        if (shape < 1)
        {
            return Gamma(random, shape + 1, scale) * Math.Pow(random.NextDouble(), 1 / shape);
        }

        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + c * x;
            }
            while (v <= 0);

            v = v * v * v;
            var u = random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v))
            {
                return d * v * scale;
            }
        }
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
