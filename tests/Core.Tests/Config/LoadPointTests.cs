using GpuBench.Core.Config;

namespace GpuBench.Core.Tests.Config;

public sealed class LoadPointTests
{
    [Theory]
    [InlineData(LoadKind.MaxConcurrency, 32, "c32")]
    [InlineData(LoadKind.RequestRate, 2.5, "r2.5")]
    [InlineData(LoadKind.RequestRate, 10, "r10")]
    public void A_point_is_named_after_its_load_and_parses_back(LoadKind kind, double value, string name)
    {
        var point = new LoadPoint(kind, value);

        Assert.Equal(name, point.Name);
        Assert.Equal(point, LoadPoint.Parse(name));
    }

    [Theory]
    [InlineData("c")]
    [InlineData("c2.5")]
    [InlineData("r0")]
    [InlineData("x3")]
    [InlineData("repeat-1")]
    public void Other_folder_names_are_not_points(string name) => Assert.Null(LoadPoint.Parse(name));

    [Fact]
    public void A_point_replaces_only_the_load_it_sweeps()
    {
        var workload = new WorkloadSpec { Name = "chat", InputLen = 200, OutputLen = 100, NumPrompts = 300, MaxConcurrency = 4, RequestRate = 3, Endpoint = "/v1/chat/completions" };

        Assert.Equal(workload with { MaxConcurrency = 64 }, new LoadPoint(LoadKind.MaxConcurrency, 64).ApplyTo(workload));
        Assert.Equal(workload with { RequestRate = 7.5 }, new LoadPoint(LoadKind.RequestRate, 7.5).ApplyTo(workload));
    }
}
