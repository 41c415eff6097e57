namespace GpuBench.GatewayOverhead.Tests;

public class BenchmarkTests
{
    [Fact]
    public void Rounds_turn_the_order_of_the_paths_by_one_each_time()
    {
        string[] paths = ["direct", "gateway", "nginx"];

        var orders = Enumerable.Range(0, 4).Select(round => string.Join(' ', Benchmark.Rotated(paths, round))).ToArray();

        Assert.Equal(["direct gateway nginx", "gateway nginx direct", "nginx direct gateway", "direct gateway nginx"], orders);
    }

    [Fact]
    public void Rounds_below_one_are_refused()
    {
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--rounds", "0"]));
        Assert.Equal(5, BenchOptions.Parse(["--rounds", "5"]).Rounds);
        Assert.Equal(1, BenchOptions.Parse([]).Rounds);
    }
}
