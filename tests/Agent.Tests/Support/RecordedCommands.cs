using GpuBench.Agent.Processes;

namespace GpuBench.Agent.Tests.Support;

/// <summary>
/// Answers commands with recorded output: the first key (in insertion order) that starts the "file arg1 arg2" line
/// wins, so list longer keys first. Anything else is "not installed".
/// </summary>
internal sealed class RecordedCommands(Dictionary<string, string> outputs) : ICommandRunner
{
    public List<string> Calls { get; } = [];

    public Task<CommandResult?> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var key = string.Join(' ', [fileName, .. arguments]);
        Calls.Add(key);
        var match = outputs.FirstOrDefault(o => key.StartsWith(o.Key, StringComparison.Ordinal));
        return Task.FromResult(match.Key is null ? null : new CommandResult(0, match.Value, ""));
    }
}
