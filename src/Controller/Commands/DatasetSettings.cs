using System.ComponentModel;
using GpuBench.LoadGen.Options;
using Spectre.Console.Cli;

namespace GpuBench.Controller.Commands;

/// <summary>
/// The dataset flags of <c>vllm bench serve</c> (and GpuBench's trace replay and multi-turn replay), shared by
/// <c>gpubench load</c>, which sends the dataset, and <c>gpubench predict</c>, which predicts it.
/// </summary>
public abstract class DatasetSettings : CommandSettings
{
    [CommandOption("--dataset-name <NAME>")]
    [Description("random (default), sharegpt, custom, sonnet, prefix_repetition, or mooncake (trace replay).")]
    public string DatasetName { get; init; } = DatasetOptions.Random;

    [CommandOption("--dataset-path <FILE>")]
    [Description("The dataset file: ShareGPT JSON, custom JSONL, sonnet text, or Mooncake trace JSONL.")]
    public string? DatasetPath { get; init; }

    [CommandOption("--sharegpt-output-len <TOKENS>")]
    [Description("Output length of every ShareGPT request instead of its answer's length.")]
    public int? SharegptOutputLen { get; init; }

    [CommandOption("--custom-output-len <TOKENS>")]
    [Description("Output tokens per custom prompt (default 256); -1 takes each line's output_tokens.")]
    public int CustomOutputLen { get; init; } = 256;

    [CommandOption("--custom-skip-chat-template")]
    [Description("Count and send custom prompts as they are, without the chat template.")]
    public bool CustomSkipChatTemplate { get; init; }

    [CommandOption("--sonnet-input-len <TOKENS>")]
    public int SonnetInputLen { get; init; } = 550;

    [CommandOption("--sonnet-output-len <TOKENS>")]
    public int SonnetOutputLen { get; init; } = 150;

    [CommandOption("--sonnet-prefix-len <TOKENS>")]
    public int SonnetPrefixLen { get; init; } = 200;

    [CommandOption("--prefix-repetition-prefix-len <TOKENS>")]
    public int PrefixRepetitionPrefixLen { get; init; } = 256;

    [CommandOption("--prefix-repetition-suffix-len <TOKENS>")]
    public int PrefixRepetitionSuffixLen { get; init; } = 256;

    [CommandOption("--prefix-repetition-num-prefixes <N>")]
    [Description("Distinct prefixes; each is shared by num-prompts / N prompts.")]
    public int PrefixRepetitionNumPrefixes { get; init; } = 10;

    [CommandOption("--prefix-repetition-output-len <TOKENS>")]
    public int PrefixRepetitionOutputLen { get; init; } = 128;

    [CommandOption("--trace-time-scale <FACTOR>")]
    [Description("Multiplies a trace's recorded send offsets: 0.5 replays it twice as fast. Default: 1.")]
    public double TraceTimeScale { get; init; } = 1.0;

    [CommandOption("--disable-shuffle")]
    [Description("Take sharegpt and custom entries in file order instead of a seeded shuffle.")]
    public bool DisableShuffle { get; init; }

    [CommandOption("--no-oversample")]
    [Description("Send only the valid entries when there are fewer than --num-prompts.")]
    public bool NoOversample { get; init; }

    [CommandOption("--multi-turn")]
    [Description("sharegpt: replay each conversation turn by turn, every turn carrying the history and the model's own answers; --num-prompts and --max-concurrency count conversations.")]
    public bool MultiTurn { get; init; }

    [CommandOption("--think-time <SECONDS>")]
    [Description("--multi-turn: seconds between an answer and the conversation's next turn. Default: 0.")]
    public double ThinkTime { get; init; }

    public DatasetOptions ToDatasetOptions() => new()
    {
        Name = DatasetName,
        Path = DatasetPath,
        SharegptOutputLen = SharegptOutputLen,
        CustomOutputLen = CustomOutputLen,
        CustomSkipChatTemplate = CustomSkipChatTemplate,
        SonnetInputLen = SonnetInputLen,
        SonnetOutputLen = SonnetOutputLen,
        SonnetPrefixLen = SonnetPrefixLen,
        PrefixRepetitionPrefixLen = PrefixRepetitionPrefixLen,
        PrefixRepetitionSuffixLen = PrefixRepetitionSuffixLen,
        PrefixRepetitionNumPrefixes = PrefixRepetitionNumPrefixes,
        PrefixRepetitionOutputLen = PrefixRepetitionOutputLen,
        TraceTimeScale = TraceTimeScale,
        DisableShuffle = DisableShuffle,
        NoOversample = NoOversample,
        MultiTurn = MultiTurn,
        ThinkTime = ThinkTime,
    };
}
