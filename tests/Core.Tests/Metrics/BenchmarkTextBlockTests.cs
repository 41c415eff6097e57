using GpuBench.Core.Metrics;
using GpuBench.TestSupport;

namespace GpuBench.Core.Tests.Metrics;

public class BenchmarkTextBlockTests
{
    public static TheoryData<string> SeedResultFiles() =>
        [.. Directory.GetFiles(Fixtures.PathOf("seed-results"), "*_vllm_benchmark.txt", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Fixtures.PathOf("seed-results"), path))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void All_nineteen_seed_result_files_are_found()
    {
        Assert.Equal(19, SeedResultFiles().Count);
    }

    [Theory]
    [MemberData(nameof(SeedResultFiles))]
    public void Format_reproduces_each_seed_result_block_byte_for_byte(string file)
    {
        var text = File.ReadAllText(Fixtures.PathOf("seed-results", file));
        var block = text[..(text.IndexOf(new string('=', 50) + "\n", StringComparison.Ordinal) + 51)];

        var parsed = BenchmarkTextBlock.Parse(text);

        Assert.Equal(1200, parsed.Completed + (file.StartsWith("l40s_x_2_ibnzterrell", StringComparison.Ordinal) ? 221 : 0));
        Assert.Equal(block, BenchmarkTextBlock.Format(parsed));
    }

    [Fact]
    public void Parse_reads_every_figure_of_a_seed_result()
    {
        var m = BenchmarkTextBlock.Parse(File.ReadAllText(
            Fixtures.PathOf("seed-results", "l40s_x_2_ibnzterrell_Meta-Llama-3.3-70B-Instruct-AWQ-INT4_vllm_benchmark.txt")));

        Assert.Equal(979, m.Completed);
        Assert.Equal(0, m.Failed);  // this vLLM version printed no failed-requests line even with 221 missing
        Assert.Equal(200, m.MaxConcurrency);
        Assert.True(double.IsPositiveInfinity(m.RequestRate));
        Assert.Equal(3949.22, m.Duration);
        Assert.Equal(976314, m.TotalInputTokens);
        Assert.Equal(979000, m.TotalOutputTokens);
        Assert.Equal(0.25, m.RequestThroughput);
        Assert.Equal(247.90, m.OutputThroughput);
        Assert.Equal(476, m.MaxOutputTokensPerS);
        Assert.Equal(174, m.MaxConcurrentRequests);
        Assert.Equal(495.11, m.TotalTokenThroughput);
        Assert.Equal((513735.38, 561436.09, 599732.31), (m.Ttft.Mean, m.Ttft.Median, m.Ttft.At(99)!.Value));
        Assert.Equal((88.11, 71.20, 136.53), (m.Tpot.Mean, m.Tpot.Median, m.Tpot.At(99)!.Value));
        Assert.Equal((88.02, 59.84, 64.28), (m.Itl.Mean, m.Itl.Median, m.Itl.At(99)!.Value));
        Assert.Equal((601758.45, 660099.49, 719624.28), (m.E2el.Mean, m.E2el.Median, m.E2el.At(99)!.Value));
        Assert.Null(m.Ttft.Std);
        Assert.Null(m.GpuBench);
    }

    [Fact]
    public void Failed_requests_goodput_and_finite_rate_lines_appear_where_vllm_puts_them_and_parse_back()
    {
        var m = Sample() with { Failed = 3, RequestGoodput = 0.8, RequestRate = 5, MaxConcurrency = null };
        var text = BenchmarkTextBlock.Format(m, ["ttft", "itl"]);

        Assert.Equal(
            """
            ============ Serving Benchmark Result ============
            Successful requests:                     12        
            Failed requests:                         3         
            Request rate configured (RPS):           5.00      
            Benchmark duration (s):                  10.00     
            Total input tokens:                      1200      
            Total generated tokens:                  600       
            Request throughput (req/s):              1.20      
            Request goodput (req/s):                 0.80      
            Output token throughput (tok/s):         60.00     
            Peak output token throughput (tok/s):    70.00     
            Peak concurrent requests:                4.00      
            Total Token throughput (tok/s):          180.00    
            ---------------Time to First Token----------------
            Mean TTFT (ms):                          100.00    
            Median TTFT (ms):                        90.00     
            P50 TTFT (ms):                           90.00     
            P99.9 TTFT (ms):                         300.12    
            ---------------Inter-token Latency----------------
            Mean ITL (ms):                           20.00     
            Median ITL (ms):                         19.00     
            P50 ITL (ms):                            19.00     
            P99.9 ITL (ms):                          40.00     
            ==================================================

            """.ReplaceLineEndings("\n"),
            text);

        var back = BenchmarkTextBlock.Parse(text);
        Assert.Equal(3, back.Failed);
        Assert.Equal(0.8, back.RequestGoodput);
        Assert.Equal(5, back.RequestRate);
        Assert.Null(back.MaxConcurrency);
        Assert.Equal(300.12, back.Ttft.At(99.9));
        Assert.Empty(back.Tpot.Percentiles);  // not printed, so not read
    }

    [Theory]
    [InlineData(0.125, "0.12")]   // exact binary tie: Python rounds half to even
    [InlineData(0.375, "0.38")]
    [InlineData(2.675, "2.67")]   // 2.67499999… in binary
    [InlineData(1.005, "1.00")]
    [InlineData(1234.5678, "1234.57")]
    [InlineData(408, "408.00")]
    public void Two_decimals_round_like_python_format(double value, string expected)
    {
        Assert.Equal(expected, BenchmarkTextBlock.TwoDecimals(value));
    }

    [Fact]
    public void Parse_without_a_result_block_says_so()
    {
        var e = Assert.Throws<FormatException>(() => BenchmarkTextBlock.Parse("nothing here"));
        Assert.Contains("Serving Benchmark Result", e.Message, StringComparison.Ordinal);
    }

    internal static ServingMetrics Sample() => new()
    {
        Duration = 10,
        Completed = 12,
        TotalInputTokens = 1200,
        TotalOutputTokens = 600,
        RequestThroughput = 1.2,
        OutputThroughput = 60,
        TotalTokenThroughput = 180,
        MaxOutputTokensPerS = 70,
        MaxConcurrentRequests = 4,
        MaxConcurrency = 4,
        Ttft = new(100, 90, 5, [new(50, 90), new(99.9, 300.123)]),
        Tpot = new(10, 9, 1, [new(50, 9), new(99.9, 12)]),
        Itl = new(20, 19, 2, [new(50, 19), new(99.9, 40)]),
        E2el = new(1000, 900, 50, [new(50, 900), new(99.9, 1500)]),
    };
}
