namespace GpuBench.Core.Config;

/// <summary>
/// A workload's dataset (<c>workloads[].dataset</c>): <c>vllm bench serve</c>'s <c>--dataset-name</c> and the
/// dataset's flags, under the same names with underscores. <see cref="Path"/> is absolute on the controller (the
/// config's value resolved against its folder); the controller ships the file to the agent and sets
/// <see cref="Sha256"/>, by which the agent finds its copy.
/// </summary>
public sealed record DatasetSpec
{
    public static IReadOnlyList<string> Names { get; } = ["random", "sharegpt", "custom", "sonnet", "prefix_repetition", "mooncake"];

    /// <summary>The datasets that read a file.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["sharegpt", "custom", "sonnet", "mooncake"];

    public required string Name { get; init; }

    public string? Path { get; init; }

    /// <summary>The file's content hash as the controller shipped it; null until shipped.</summary>
    public string? Sha256 { get; init; }

    public int? SharegptOutputLen { get; init; }

    public int? CustomOutputLen { get; init; }

    public bool CustomSkipChatTemplate { get; init; }

    public int? SonnetInputLen { get; init; }

    public int? SonnetOutputLen { get; init; }

    public int? SonnetPrefixLen { get; init; }

    public int? PrefixRepetitionPrefixLen { get; init; }

    public int? PrefixRepetitionSuffixLen { get; init; }

    public int? PrefixRepetitionNumPrefixes { get; init; }

    public int? PrefixRepetitionOutputLen { get; init; }

    public double? TraceTimeScale { get; init; }

    public bool DisableShuffle { get; init; }

    public bool NoOversample { get; init; }

    /// <summary>sharegpt: replay each conversation turn by turn, every turn carrying the history and the model's own answers.</summary>
    public bool MultiTurn { get; init; }

    /// <summary>Multi-turn: seconds between an answer and the conversation's next turn; null for none.</summary>
    public double? ThinkTime { get; init; }

    public bool ReadsFile => FileNames.Contains(Name);
}
