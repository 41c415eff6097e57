using GpuBench.LoadGen.Dataset;
using GpuBench.Simulation.Tokenization;

namespace GpuBench.Controller.Commands;

/// <summary>
/// The simulator's tokenizer and chat template, in process: what the simulator's /tokenize would answer, so
/// <c>gpubench predict</c> measures a dataset's requests as a simulated run would, without a server.
/// </summary>
public sealed class SimulatorTextTokenizer(int vocabSize) : ITextTokenizer
{
    private readonly SyllableTokenizer _tokenizer = new(vocabSize);

    public Task<int[]> TokenizeAsync(string text, CancellationToken cancellationToken) => Task.FromResult(_tokenizer.Encode(text).ToArray());

    public Task<string> DetokenizeAsync(int[] tokens, CancellationToken cancellationToken) => Task.FromResult(_tokenizer.Decode(tokens));

    public Task<int> CountAsync(string text, CancellationToken cancellationToken) => Task.FromResult(_tokenizer.Encode(text).Count);

    public Task<int[]> TokenizeChatAsync(string userMessage, CancellationToken cancellationToken) =>
        Task.FromResult(ChatTemplate.Apply([userMessage], _tokenizer).ToArray());

    public Task<int> CountChatAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken) =>
        Task.FromResult(ChatTemplate.Apply(messages.Select(m => m.Content), _tokenizer).Count);
}
