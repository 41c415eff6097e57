using GpuBench.Core.Metrics;
using GpuBench.LoadGen.Options;
using GpuBench.LoadGen.Output;
using GpuBench.LoadGen.Running;

namespace GpuBench.LoadGen.Tests.Output;

public class ResultFilesTests
{
    private static LoadResult Result(Backend backend = Backend.OpenAIChat) => new(
        new LoadOptions { BaseUrl = new("http://127.0.0.1:8000/"), Backend = backend, NumPrompts = 7, MaxConcurrency = 4, Burstiness = 0.5, RequestRate = 2 },
        "org/served-model",
        [],
        MetricsCalculator.Compute([], 1, MetricsOptions.Default),
        0);

    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 30, 5, TimeSpan.Zero);

    [Fact]
    public void Default_file_name_is_vllms_with_the_label_as_prefix_when_given()
    {
        Assert.Equal("openai-chat-2qps-concurrency4-served-model-20261128-103005.json", ResultFiles.DefaultFileName(Result(), Now));
        Assert.Equal("h200-tp2-2qps-concurrency4-served-model-20261128-103005.json", ResultFiles.DefaultFileName(Result(), Now, "h200-tp2"));
    }

    [Fact]
    public void Saved_setup_comes_from_the_run_and_the_save_settings()
    {
        var saved = ResultFiles.ToSaved(Result(Backend.OpenAI), Now, new ResultFiles.SaveSettings("lbl", new() { ["k"] = "v" }, Detailed: true));

        Assert.Equal("20261128-103005", saved.Date);
        Assert.Equal("openai", saved.Backend);
        Assert.Equal("lbl", saved.Label);
        Assert.Equal("org/served-model", saved.ModelId);
        Assert.Equal("org/served-model", saved.TokenizerId);
        Assert.Equal(7, saved.NumPrompts);
        Assert.Equal(0.5, saved.Burstiness);
        Assert.Equal("v", saved.Metadata["k"]);
        Assert.True(saved.Detailed);
    }
}
