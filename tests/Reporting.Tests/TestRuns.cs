using GpuBench.Core.Planning;
using GpuBench.Reporting.Runs;

namespace GpuBench.Reporting.Tests;

/// <summary>Hand-built runs for unit tests of the analysis and the writers.</summary>
internal static class TestRuns
{
    public static BenchmarkRun Make(
        string gpuType,
        int gpus,
        double totalTokS,
        string model = "org/model",
        Layout? layout = null,
        int completed = 100,
        int prompts = 100,
        int concurrency = 50,
        bool simulated = false) =>
        new()
        {
            Model = model,
            Server = $"{gpuType}_x_{gpus}",
            GpuType = gpuType,
            GpuCount = gpus,
            Layout = layout ?? Layout.Consecutive(gpus, 1, 1),
            Workload = new RunWorkload("random 1000/1000", 1000, 1000, prompts, concurrency),
            Metrics = new RunMetrics
            {
                Completed = completed,
                DurationS = 100,
                OutputTokensPerS = totalTokS / 2,
                TotalTokensPerS = totalTokS,
                Ttft = new LatencySummary(1000, 900, 2000),
                Tpot = new LatencySummary(30, 25, 60),
                Itl = new LatencySummary(30, 25, 60),
                E2el = new LatencySummary(30000, 29000, 40000),
            },
            Simulated = simulated,
            SourcePath = $"/results/{gpuType}_x_{gpus}/{model}/{totalTokS}",
        };
}
