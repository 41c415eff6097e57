using GpuBench.Core.Metrics;
using GpuBench.Reporting.Rendering;

namespace GpuBench.Reporting.Tests.Rendering;

public class WorkloadTextTests
{
    [Fact]
    public void A_dataset_run_names_its_file_hash_and_lengths()
    {
        var run = TestRuns.Make("h200", 1, 1000) with
        {
            Dataset = new DatasetSummary
            {
                Name = "sharegpt",
                File = "chat.json",
                Sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                Requests = 20,
                InputLens = LengthStats.Of([10, 20, 30, 40, 50]),
                OutputLens = LengthStats.Of([5, 5, 5, 5, 100]),
            },
        };

        // numpy-linear percentiles of [10 20 30 40 50]: p90 = 46, p99 = 49.6; of [5 5 5 5 100]: p90 = 62, p99 = 96.2.
        Assert.Equal(
            "sharegpt chat.json (sha256 0123456789ab), 20 requests; input tokens median 30, p90 46, p99 50, max 50; " +
            "output tokens median 5, p90 62, p99 96, max 100",
            WorkloadText.Describe(run));
    }

    [Fact]
    public void A_multi_turn_run_says_how_many_conversations_its_requests_are_the_turns_of()
    {
        var run = TestRuns.Make("h200", 1, 1000) with
        {
            Dataset = new DatasetSummary
            {
                Name = "sharegpt",
                Requests = 5,
                Conversations = 2,
                InputLens = LengthStats.Of([10, 20, 30, 40, 50]),
                OutputLens = LengthStats.Of([5, 5, 5, 5, 100]),
            },
        };

        Assert.StartsWith("sharegpt, 5 requests in 2 conversations; input tokens median 30,", WorkloadText.Describe(run), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_without_a_recorded_dataset_is_the_random_one()
    {
        Assert.Equal("random, 1000 → 1000 tokens, 100 prompts", WorkloadText.Describe(TestRuns.Make("h200", 1, 1000)));
    }

    [Fact]
    public void The_prefix_cache_hit_rate_is_over_all_runs_with_the_range()
    {
        var runs = new[]
        {
            TestRuns.Make("h200", 1, 1000) with { PrefixCache = new PrefixCacheSummary(1000, 100) },
            TestRuns.Make("h200", 2, 1000) with { PrefixCache = new PrefixCacheSummary(3000, 1500) },
            TestRuns.Make("h200", 4, 1000),
        };

        Assert.Equal("; prefix-cache hit rate 40.0% (10.0%–50.0% across 2 runs)", WorkloadText.PrefixCache(runs));
        Assert.Equal("", WorkloadText.PrefixCache([runs[2]]));
    }
}
