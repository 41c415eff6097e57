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
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        var engines = Enumerable.Range(0, replicas).Select(_ => new EngineCore(ReplicaModel)).ToArray();
        var random = new Random(workload.Seed);
        var lengths = Enumerable.Range(0, workload.NumPrompts)
            .Select(_ => (Input: Sample(random, workload.InputLen, workload.RangeRatio, 1), Output: Sample(random, workload.OutputLen, workload.RangeRatio, 1)))
            .ToArray();
        var arrivals = Arrivals(workload, random);

        var starts = new double[workload.NumPrompts];
        var replicaOf = new int[workload.NumPrompts];
        var tokenTimes = new List<double>[workload.NumPrompts];
        var requests = new EngineRequest[workload.NumPrompts];
        var indexOf = new Dictionary<EngineRequest, int>(workload.NumPrompts);
        var ready = new Queue<int>();
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
                tokenTimes[indexOf[output.Request]].Add(output.Time);
                if (output.Finished)
                {
                    finished++;
                    slots++;
                }
            }

            produced.Clear();
        }

        while (finished < workload.NumPrompts)
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

            var arrivalTime = nextArrival < arrivals.Length ? arrivals[nextArrival] : double.PositiveInfinity;
            if (nextArrival < arrivals.Length && arrivalTime <= engineTime)
            {
                now = arrivalTime;
                ready.Enqueue(nextArrival++);
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
                var index = ready.Dequeue();
                slots--;
                var replica = nextReplica++ % engines.Length;
                var (input, output) = lengths[index];
                var request = new EngineRequest($"req-{index}", input, output);
                requests[index] = request;
                indexOf[request] = index;
                starts[index] = now;
                replicaOf[index] = replica;
                tokenTimes[index] = new List<double>(output);
                engines[replica].Add(request, now);
                engines[replica].Advance(now, outputs);
                Record(outputs);
            }
        }

        var predicted = Enumerable.Range(0, workload.NumPrompts)
            .Select(i => new PredictedRequest(i, replicaOf[i], arrivals[i], starts[i], requests[i].PromptTokens, requests[i].OutputTokens, tokenTimes[i], requests[i].Preemptions))
            .ToArray();
        var duration = predicted.Max(r => r.EndTime) - (arrivals.Length > 0 ? arrivals[0] : 0);
        return new PredictionResult(predicted, duration, engines.Sum(e => e.Preemptions), engines.Sum(e => e.StepsCompleted), ReplicaModel.KvCapacityTokens);
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

    private static double[] Arrivals(PredictionWorkload workload, Random random)
    {
        var arrivals = new double[workload.NumPrompts];
        if (double.IsPositiveInfinity(workload.RequestRate))
        {
            return arrivals;
        }

        var time = 0.0;
        for (var i = 0; i < arrivals.Length; i++)
        {
            arrivals[i] = time;
            time += Gamma(random, workload.Burstiness, 1 / (workload.RequestRate * workload.Burstiness));
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
