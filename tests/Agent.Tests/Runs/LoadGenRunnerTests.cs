using GpuBench.Agent.Runs;
using GpuBench.Core.Config;
using GpuBench.LoadGen.Options;

namespace GpuBench.Agent.Tests.Runs;

public class LoadGenRunnerTests
{
    [Fact]
    public void A_workload_becomes_the_load_generators_options_flag_for_flag()
    {
        var workload = new WorkloadSpec
        {
            Name = "article",
            InputLen = 1000,
            OutputLen = 1000,
            NumPrompts = 1200,
            MaxConcurrency = 400,
            RequestRate = 5,
            Burstiness = 0.5,
            RangeRatio = 0.1,
            PrefixLen = 64,
            Seed = 7,
            NumWarmups = 3,
            IgnoreEos = false,
            Backend = WorkloadBackend.OpenAi,
            Endpoint = "/v1/completions",
        };

        var options = LoadGenRunner.ToLoadOptions(new Uri("http://127.0.0.1:9000"), "m", workload, TimeSpan.FromMinutes(30));

        Assert.Equal(new Uri("http://127.0.0.1:9000"), options.BaseUrl);
        Assert.Equal(("m", 1000, 1000, 1200, 400), (options.Model, options.RandomInputLen, options.RandomOutputLen, options.NumPrompts, options.MaxConcurrency));
        Assert.Equal((5.0, 0.5, 0.1, 64, 7, 3), (options.RequestRate, options.Burstiness, options.RandomRangeRatio, options.RandomPrefixLen, options.Seed, options.NumWarmups));
        Assert.False(options.IgnoreEos);
        Assert.Equal(Backend.OpenAI, options.Backend);
        Assert.Equal("/v1/completions", options.Endpoint);
        Assert.Equal(TimeSpan.FromMinutes(30), options.RequestTimeout);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void A_workloads_slo_is_the_load_generators_goodput()
    {
        var workload = new WorkloadSpec
        {
            Name = "chat", InputLen = 200, OutputLen = 100, NumPrompts = 10, Endpoint = "/v1/chat/completions",
            Slo = new SloSpec { TtftMs = 500, TpotMs = 50, Attainment = 0.9 },
        };

        var withSlo = LoadGenRunner.ToLoadOptions(new Uri("http://127.0.0.1:9000"), "m", workload);
        var without = LoadGenRunner.ToLoadOptions(new Uri("http://127.0.0.1:9000"), "m", workload with { Slo = null });

        Assert.Equal(new GpuBench.Core.Metrics.GoodputSlo(500, 50, null), withSlo.Metrics.Goodput);
        Assert.Null(without.Metrics.Goodput);
    }
}
