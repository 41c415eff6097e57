using System.Threading.Channels;
using GpuBench.Simulation.Engine;

namespace GpuBench.Simulator.Serving;

/// <summary>A request being served: the engine's view of it and the tokens the engine loop hands to its HTTP stream.</summary>
public sealed class LiveRequest(EngineRequest engine, int seed)
{
    private readonly Channel<TokenOutput> _tokens = Channel.CreateUnbounded<TokenOutput>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public EngineRequest Engine { get; } = engine;

    /// <summary>Seeds the generated text: the same prompt yields the same completion.</summary>
    public int Seed { get; } = seed;

    public ChannelReader<TokenOutput> Tokens => _tokens.Reader;

    internal void Publish(TokenOutput token)
    {
        _tokens.Writer.TryWrite(token);
        if (token.Finished)
        {
            _tokens.Writer.TryComplete();
        }
    }

    internal void Close() => _tokens.Writer.TryComplete();
}
