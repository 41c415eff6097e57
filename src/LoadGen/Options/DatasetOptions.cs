using System.Globalization;

namespace GpuBench.LoadGen.Options;

/// <summary>
/// Which prompts a run sends: <c>vllm bench serve</c>'s <c>--dataset-name</c> and its per-dataset flags (v0.11.0
/// names and defaults), plus GpuBench's trace replay (<c>mooncake</c>). The random dataset's own flags stay on
/// <see cref="LoadOptions"/> (<c>--random-*</c>).
/// </summary>
public sealed record DatasetOptions
{
    public const string Random = "random";
    public const string ShareGpt = "sharegpt";
    public const string Custom = "custom";
    public const string Sonnet = "sonnet";
    public const string PrefixRepetition = "prefix_repetition";
    public const string Mooncake = "mooncake";

    public static IReadOnlyList<string> Names { get; } = [Random, ShareGpt, Custom, Sonnet, PrefixRepetition, Mooncake];

    public static DatasetOptions Default { get; } = new();

    /// <summary><c>--dataset-name</c>.</summary>
    public string Name { get; init; } = Random;

    /// <summary><c>--dataset-path</c>: the file sharegpt, custom, sonnet and mooncake read.</summary>
    public string? Path { get; init; }

    /// <summary>The file's name as results show it, when <see cref="Path"/> is a copy under another name (a shipped file, named by its hash).</summary>
    public string? FileName { get; init; }

    /// <summary><c>--sharegpt-output-len</c>: replaces each conversation's answer length when set.</summary>
    public int? SharegptOutputLen { get; init; }

    /// <summary><c>--custom-output-len</c>: tokens asked of each custom prompt; -1 takes each line's <c>output_tokens</c>.</summary>
    public int CustomOutputLen { get; init; } = 256;

    /// <summary><c>--custom-skip-chat-template</c>: count and send the custom prompts as they are.</summary>
    public bool CustomSkipChatTemplate { get; init; }

    /// <summary><c>--sonnet-input-len</c>, <c>--sonnet-output-len</c>, <c>--sonnet-prefix-len</c>.</summary>
    public int SonnetInputLen { get; init; } = 550;

    public int SonnetOutputLen { get; init; } = 150;

    public int SonnetPrefixLen { get; init; } = 200;

    /// <summary><c>--prefix-repetition-prefix-len</c>, <c>-suffix-len</c>, <c>-num-prefixes</c>, <c>-output-len</c>.</summary>
    public int PrefixRepetitionPrefixLen { get; init; } = 256;

    public int PrefixRepetitionSuffixLen { get; init; } = 256;

    public int PrefixRepetitionNumPrefixes { get; init; } = 10;

    public int PrefixRepetitionOutputLen { get; init; } = 128;

    /// <summary><c>--trace-time-scale</c>: a trace's recorded offsets are multiplied by it (0.5 replays twice as fast).</summary>
    public double TraceTimeScale { get; init; } = 1.0;

    /// <summary><c>--disable-shuffle</c>: take file entries in file order.</summary>
    public bool DisableShuffle { get; init; }

    /// <summary><c>--no-oversample</c>: send only the valid entries when there are fewer than --num-prompts.</summary>
    public bool NoOversample { get; init; }

    /// <summary><c>--multi-turn</c>: replay each ShareGPT conversation turn by turn, each turn carrying the history and the model's own answers.</summary>
    public bool MultiTurn { get; init; }

    /// <summary><c>--think-time</c>: seconds between a turn's answer and the conversation's next turn.</summary>
    public double ThinkTime { get; init; }

    public bool ReadsFile => Name is ShareGpt or Custom or Sonnet or Mooncake;

    /// <summary>The flags that shaped the prompts, as given on vLLM's command line (for result.json).</summary>
    public IReadOnlyDictionary<string, string> Flags()
    {
        var flags = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["dataset_name"] = Name };
        void Add(string key, object? value)
        {
            if (value is not null)
            {
                flags[key] = Convert.ToString(value, CultureInfo.InvariantCulture)!.ToLowerInvariant();
            }
        }

        switch (Name)
        {
            case ShareGpt:
                Add("sharegpt_output_len", SharegptOutputLen);
                if (MultiTurn)
                {
                    Add("multi_turn", true);
                    Add("think_time", ThinkTime);
                }

                break;
            case Custom:
                Add("custom_output_len", CustomOutputLen);
                Add("custom_skip_chat_template", CustomSkipChatTemplate);
                break;
            case Sonnet:
                Add("sonnet_input_len", SonnetInputLen);
                Add("sonnet_output_len", SonnetOutputLen);
                Add("sonnet_prefix_len", SonnetPrefixLen);
                break;
            case PrefixRepetition:
                Add("prefix_repetition_prefix_len", PrefixRepetitionPrefixLen);
                Add("prefix_repetition_suffix_len", PrefixRepetitionSuffixLen);
                Add("prefix_repetition_num_prefixes", PrefixRepetitionNumPrefixes);
                Add("prefix_repetition_output_len", PrefixRepetitionOutputLen);
                break;
            case Mooncake:
                Add("trace_time_scale", TraceTimeScale);
                break;
        }

        if (Name is ShareGpt or Custom)
        {
            Add("disable_shuffle", DisableShuffle);
            Add("no_oversample", NoOversample);
        }

        return flags;
    }

    /// <summary>Values vLLM would reject, naming the flag to change.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Require(Names.Contains(Name), $"--dataset-name {Name}: use one of {string.Join(", ", Names)}.");
        Require(!ReadsFile || !string.IsNullOrWhiteSpace(Path), $"--dataset-name {Name} reads a file: give it with --dataset-path FILE.");
        Require(ReadsFile || Path is null,
            $"--dataset-path is for the sharegpt, custom, sonnet and mooncake datasets; --dataset-name {Name} reads no file.");
        Require(SharegptOutputLen is null or > 0, "--sharegpt-output-len must be at least 1.");
        Require(CustomOutputLen is -1 or > 0, "--custom-output-len must be at least 1, or -1 to take each line's output_tokens.");
        Require(SonnetInputLen > 0 && SonnetOutputLen > 0 && SonnetPrefixLen >= 0,
            "--sonnet-input-len and --sonnet-output-len must be at least 1, --sonnet-prefix-len at least 0.");
        Require(PrefixRepetitionPrefixLen >= 0 && PrefixRepetitionSuffixLen > 0 && PrefixRepetitionOutputLen > 0,
            "--prefix-repetition-suffix-len and --prefix-repetition-output-len must be at least 1, --prefix-repetition-prefix-len at least 0.");
        Require(PrefixRepetitionNumPrefixes > 0, "--prefix-repetition-num-prefixes must be at least 1.");
        Require(!MultiTurn || Name == ShareGpt, $"--multi-turn replays ShareGPT conversations turn by turn: use it with --dataset-name sharegpt, not {Name}.");
        Require(ThinkTime >= 0 && double.IsFinite(ThinkTime), "--think-time must be a number of seconds, 0 or more.");
        Require(ThinkTime == 0 || MultiTurn, "--think-time is the pause between the turns of a conversation: add --multi-turn.");
        Require(TraceTimeScale > 0 && double.IsFinite(TraceTimeScale), "--trace-time-scale must be a positive number (1 replays the trace at its own pace).");
        return errors;
    }
}
