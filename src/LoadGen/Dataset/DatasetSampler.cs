using System.Security.Cryptography;
using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Options;

namespace GpuBench.LoadGen.Dataset;

/// <summary>The prompts of a run, built from <see cref="LoadOptions.Dataset"/> with the served model's tokenizer.</summary>
public static class DatasetSampler
{
    public static async Task<IReadOnlyList<SampleRequest>> BuildAsync(
        LoadOptions options, ITextTokenizer tokenizer, int parallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var d = options.Dataset;
        var chat = options.Backend == Backend.OpenAIChat;
        return d.Name switch
        {
            DatasetOptions.ShareGpt when d.MultiTurn => await ConversationDataset.SampleAsync(d.Path!, tokenizer, options.NumPrompts, d.SharegptOutputLen,
                options.Seed, d.DisableShuffle, d.NoOversample, parallelism, cancellationToken).ConfigureAwait(false),
            DatasetOptions.ShareGpt => await ShareGptDataset.SampleAsync(d.Path!, tokenizer, options.NumPrompts, d.SharegptOutputLen, options.Seed,
                d.DisableShuffle, d.NoOversample, parallelism, cancellationToken).ConfigureAwait(false),
            DatasetOptions.Custom => await CustomDataset.SampleAsync(d.Path!, tokenizer, options.NumPrompts, d.CustomOutputLen, d.CustomSkipChatTemplate,
                chat, options.Seed, d.DisableShuffle, d.NoOversample, parallelism, cancellationToken).ConfigureAwait(false),
            DatasetOptions.Sonnet => await SonnetDataset.SampleAsync(d.Path!, tokenizer, options.NumPrompts, d.SonnetInputLen, d.SonnetOutputLen,
                d.SonnetPrefixLen, chat, options.Seed, parallelism, cancellationToken).ConfigureAwait(false),
            DatasetOptions.PrefixRepetition => await PrefixRepetitionDataset.SampleAsync(tokenizer, options.NumPrompts, d.PrefixRepetitionPrefixLen,
                d.PrefixRepetitionSuffixLen, d.PrefixRepetitionNumPrefixes, d.PrefixRepetitionOutputLen, options.Seed, parallelism,
                cancellationToken).ConfigureAwait(false),
            DatasetOptions.Mooncake => await MooncakeTrace.SampleAsync(d.Path!, tokenizer, options.NumPrompts, d.TraceTimeScale, options.Seed,
                parallelism, cancellationToken).ConfigureAwait(false),
            _ => await RandomDataset.BuildAsync(tokenizer, options.NumPrompts, options.RandomInputLen, options.RandomOutputLen,
                options.RandomRangeRatio, options.RandomPrefixLen, options.Seed, parallelism, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>What result.json records of the dataset: name, file and its sha256, flags, sampled lengths.</summary>
    public static DatasetSummary Summarise(LoadOptions options, IReadOnlyList<SampleRequest> samples)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(samples);
        var d = options.Dataset;
        var flags = new SortedDictionary<string, string>(d.Flags().ToDictionary(), StringComparer.Ordinal);
        if (d.Name == DatasetOptions.Random)
        {
            flags["random_input_len"] = options.RandomInputLen.ToString(System.Globalization.CultureInfo.InvariantCulture);
            flags["random_output_len"] = options.RandomOutputLen.ToString(System.Globalization.CultureInfo.InvariantCulture);
            flags["random_range_ratio"] = options.RandomRangeRatio.ToString(System.Globalization.CultureInfo.InvariantCulture);
            flags["random_prefix_len"] = options.RandomPrefixLen.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        flags["seed"] = options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new DatasetSummary
        {
            Name = d.Name,
            File = d.ReadsFile ? d.FileName ?? System.IO.Path.GetFileName(d.Path) : null,
            Sha256 = d.ReadsFile && d.Path is { } path ? Sha256Of(path) : null,
            Flags = flags,
            Requests = samples.Count,
            Conversations = d.MultiTurn ? samples.Select(s => s.Conversation).Distinct().Count() : null,
            InputLens = LengthStats.Of([.. samples.Select(s => s.PromptTokens)]),
            OutputLens = LengthStats.Of([.. samples.Select(s => s.OutputTokens)]),
        };
    }

    /// <summary>The file's content hash, lower-case hex.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
