using System.Globalization;
using System.Text;
using GpuBench.Core.Contracts;
using GpuBench.Simulation.Engine;
using GpuBench.Simulation.Telemetry;
using GpuBench.Simulator.Serving;

namespace GpuBench.Simulator.Metrics;

/// <summary>
/// vLLM's Prometheus metrics under vLLM's names, labels and histogram buckets (vllm/v1/metrics/loggers.py), so
/// dashboards and scrapers built for vLLM read the simulator unchanged. Fed from the engine thread.
/// </summary>
public sealed class VllmMetrics
{
    private static readonly double[] TtftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
    private static readonly double[] ItlBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
    private static readonly double[] RequestBuckets = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

    private readonly Lock _lock = new();
    private readonly string _labels;
    private readonly Histogram _ttft = new(TtftBuckets);
    private readonly Histogram _itl = new(ItlBuckets);
    private readonly Histogram _e2e = new(RequestBuckets);
    private readonly Histogram _queue = new(RequestBuckets);
    private readonly Dictionary<FinishReason, long> _finished = [];
    private readonly ServedModel _model;
    private readonly RealTimeEngine _engine;
    private EngineSnapshot _snapshot;
    private long _generationTokens;
    private double[][] _lastCounters = [];
    private double _lastScrape;

    public VllmMetrics(ServedModel model, RealTimeEngine engine)
    {
        _model = model;
        _engine = engine;
        _labels = $"engine=\"0\",model_name=\"{model.Name.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        engine.TokenProduced += OnToken;
        engine.Stepped += snapshot => { lock (_lock) { _snapshot = snapshot; } };
    }

    public string Render()
    {
        var text = new StringBuilder(4096);
        lock (_lock)
        {
            Gauge(text, "vllm:num_requests_running", "Number of requests in model execution batches.", _snapshot.Running);
            Gauge(text, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", _snapshot.Waiting);
            Gauge(text, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", _snapshot.KvUsage);
            Counter(text, "vllm:num_preemptions", "Cumulative number of preemption from the engine.", _snapshot.Preemptions);
            Counter(text, "vllm:prompt_tokens", "Number of prefill tokens processed.", _snapshot.PromptTokens);
            Counter(text, "vllm:generation_tokens", "Number of generation tokens processed.", _generationTokens);
            Counter(text, "vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.", _snapshot.PrefixCacheQueries);
            Counter(text, "vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.", _snapshot.PrefixCacheHits);
            text.Append("# HELP vllm:request_success_total Count of successfully processed requests.\n# TYPE vllm:request_success_total counter\n");
            foreach (var (reason, count) in _finished)
            {
                text.Append(CultureInfo.InvariantCulture, $"vllm:request_success_total{{{_labels},finished_reason=\"{Reason(reason)}\"}} {count}\n");
            }

            _ttft.Render(text, "vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", _labels);
            _itl.Render(text, "vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", _labels);
            _e2e.Render(text, "vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", _labels);
            _queue.Render(text, "vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", _labels);
            RenderSimulatedGpus(text);
        }

        return text.ToString();
    }

    /// <summary>
    /// The simulated GPUs as the agent reads them where nvidia-smi would be (<see cref="SimulatedGpuMetrics"/>):
    /// utilization is each stage's busy time since the previous scrape, memory what vLLM allocates up front,
    /// power, temperature and SM clock follow from the busy share and the GPU's profile, PCIe throughput is the
    /// stage's hand-overs and all-reduces when the GPUs have no NVLink (<see cref="SimulatedGpuReading"/>).
    /// GPU index = data-parallel rank × (tp × pp) + stage × tp + tensor rank.
    /// </summary>
    private void RenderSimulatedGpus(StringBuilder text)
    {
        var cores = _engine.Cores;
        var settings = _model.Settings;
        var now = _engine.Now;
        // One entry per (data-parallel rank, stage), in GPU order: busy seconds, PCIe bytes received and sent.
        var counters = cores
            .SelectMany(c => Enumerable.Range(0, settings.PipelineParallel)
                .Select(stage => new[] { c.StageBusySeconds(stage), c.StagePcieRxBytes(stage), c.StagePcieTxBytes(stage) }))
            .ToArray();
        var interval = now - _lastScrape;
        var memoryMib = _model.Gpu.VramMib * settings.GpuMemoryUtilization;
        var lines = new List<(string Name, int Gpu, double Value)>();
        for (var index = 0; index < counters.Length; index++)
        {
            var previous = _lastCounters.Length == counters.Length ? _lastCounters[index] : [0, 0, 0];
            double Rate(int i) => interval > 0 ? (counters[index][i] - previous[i]) / interval : 0;
            var reading = SimulatedGpuReading.From(_model.Gpu, Rate(0), memoryMib, Rate(1), Rate(2));
            for (var rank = 0; rank < settings.TensorParallel; rank++)
            {
                var gpu = index * settings.TensorParallel + rank;
                lines.Add((SimulatedGpuMetrics.UtilizationPercent, gpu, reading.UtilizationPercent));
                lines.Add((SimulatedGpuMetrics.MemoryUsedMib, gpu, reading.MemoryUsedMib));
                lines.Add((SimulatedGpuMetrics.PowerWatts, gpu, reading.PowerWatts));
                lines.Add((SimulatedGpuMetrics.TemperatureCelsius, gpu, reading.TemperatureCelsius));
                lines.Add((SimulatedGpuMetrics.SmClockMhz, gpu, reading.SmClockMhz));
                lines.Add((SimulatedGpuMetrics.PcieRxMBps, gpu, reading.PcieRxMBps));
                lines.Add((SimulatedGpuMetrics.PcieTxMBps, gpu, reading.PcieTxMBps));
            }
        }

        // Prometheus' text format wants each metric's samples together under one TYPE line.
        foreach (var metric in lines.GroupBy(l => l.Name))
        {
            text.Append(CultureInfo.InvariantCulture, $"# TYPE {metric.Key} gauge\n");
            foreach (var (name, gpu, value) in metric)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}{{{SimulatedGpuMetrics.GpuLabel}=\"{gpu}\"}} {value:0.###}\n");
            }
        }

        _lastCounters = counters;
        _lastScrape = now;
    }

    public static string Reason(FinishReason reason) => reason switch
    {
        FinishReason.Length => "length",
        FinishReason.Stop => "stop",
        FinishReason.Aborted => "abort",
        _ => "",
    };

    private void OnToken(LiveRequest live, TokenOutput token)
    {
        var request = live.Engine;
        lock (_lock)
        {
            _generationTokens++;
            if (token.TokenIndex == 0)
            {
                _ttft.Observe(token.Time - request.ArrivalTime);
            }
            else
            {
                _itl.Observe(token.Time - request.PreviousTokenTime);
            }

            if (token.Finished)
            {
                _e2e.Observe(token.Time - request.ArrivalTime);
                _queue.Observe(request.FirstScheduledTime - request.ArrivalTime);
                _finished[request.FinishReason] = _finished.GetValueOrDefault(request.FinishReason) + 1;
            }
        }
    }

    private void Gauge(StringBuilder text, string name, string help, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name}{{{_labels}}} {value}\n");

    private void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name}_total {help}\n# TYPE {name}_total counter\n{name}_total{{{_labels}}} {value}\n");

    private sealed class Histogram(double[] bounds)
    {
        private readonly long[] _counts = new long[bounds.Length + 1];
        private double _sum;
        private long _count;

        public void Observe(double value)
        {
            var index = Array.BinarySearch(bounds, value);
            _counts[index >= 0 ? index : ~index]++;
            _sum += value;
            _count++;
        }

        public void Render(StringBuilder text, string name, string help, string labels)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
            long cumulative = 0;
            for (var i = 0; i < bounds.Length; i++)
            {
                cumulative += _counts[i];
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"{bounds[i]}\"}} {cumulative}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{labels},le=\"+Inf\"}} {_count}\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{labels}}} {_sum}\n{name}_count{{{labels}}} {_count}\n");
        }
    }
}
