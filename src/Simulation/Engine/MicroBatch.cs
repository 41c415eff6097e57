using GpuBench.Simulation.Performance;

namespace GpuBench.Simulation.Engine;

/// <summary>One scheduled batch travelling through the pipeline stages, and when it leaves the last one.</summary>
internal sealed class MicroBatch
{
    private readonly List<BatchEntry> _entries = [];
    private BatchShape _shape;

    public IReadOnlyList<BatchEntry> Entries => _entries;
    public int Count => _entries.Count;
    public BatchShape Shape => _shape;
    public double CompletionTime { get; set; }

    public void Add(EngineRequest request, int tokens, double now)
    {
        _shape.Add(tokens, request.ComputedTokens);
        request.ComputedTokens += tokens;
        request.InFlight++;
        if (double.IsNaN(request.FirstScheduledTime))
        {
            request.FirstScheduledTime = now;
        }

        _entries.Add(new BatchEntry(request, request.Epoch, tokens, request.ComputedTokens == request.TotalTokens));
    }
}

/// <summary>A request's share of a micro-batch; it samples a token when the batch computes all its known tokens.</summary>
internal readonly record struct BatchEntry(EngineRequest Request, int Epoch, int Tokens, bool SamplesToken);
