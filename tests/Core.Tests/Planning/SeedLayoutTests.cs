using System.Globalization;
using System.Text.RegularExpressions;
using GpuBench.Core.Config;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;
using GpuBench.TestSupport;

namespace GpuBench.Core.Tests.Planning;

/// <summary>
/// The planner, given only the weights_gb of the root config.yml's models, lays out every configuration the seed
/// article measured exactly as the article did. Rows whose notes name an explicit parallel setting get it explicitly.
/// </summary>
public partial class SeedLayoutTests
{
    private static readonly BenchConfig RootConfig = ConfigLoader.Load(Path.Combine(Fixtures.RepositoryRoot, "config.yml")).Config
        ?? throw new InvalidOperationException("the root config.yml does not validate");

    public static TheoryData<SeedRow> Rows() => [.. ReadRows()];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Planner_reproduces_the_article_layout(SeedRow row)
    {
        var layout = LayOut(row, MemoryFit.Default);

        Assert.Equal((row.Replicas, row.Tp, row.Pp), (layout.Replicas, layout.TensorParallel, layout.PipelineParallel));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(3.1)]
    public void Seed_layouts_do_not_hinge_on_the_exact_headroom(double headroomGb)
    {
        foreach (var row in ReadRows())
        {
            var layout = LayOut(row, new MemoryFit(headroomGb));
            Assert.Equal((row.Replicas, row.Tp, row.Pp), (layout.Replicas, layout.TensorParallel, layout.PipelineParallel));
        }
    }

    [Fact]
    public void Headroom_beyond_what_the_article_ran_with_would_no_longer_fit_llama_on_two_4090s()
    {
        // 25.8 GB × 0.9 − 40 GB / 2 = 3.18 GB was free per GPU when the article ran Llama-3.3-70B at pp2 on RTX 4090s.
        var row = ReadRows().First(r => r.Model.Contains("Llama", StringComparison.Ordinal) && r.Gpu == "rtx4090" && r.GpuCount == 2);

        var decision = Decide(row, new MemoryFit(3.3));

        Assert.Null(decision.Layout);
    }

    [Fact]
    public void Seed_results_cover_every_model_of_the_root_config()
    {
        Assert.Equal(RootConfig.Models.Select(m => m.Id).Order(), ReadRows().Select(r => r.Model).Distinct().Order());
    }

    private static Layout LayOut(SeedRow row, MemoryFit fit) =>
        Decide(row, fit).Layout ?? throw new Xunit.Sdk.XunitException($"{row} was not planned: {Decide(row, fit).Reason}");

    private static LayoutDecision Decide(SeedRow row, MemoryFit fit)
    {
        var model = RootConfig.Models.Single(m => m.Id == row.Model);
        if (TensorParallelNote().Match(row.Notes) is { Success: true } tp)
        {
            model = model with { TensorParallel = int.Parse(tp.Groups[1].Value, CultureInfo.InvariantCulture) };
        }

        var server = new ServerSpec
        {
            Name = $"{row.Gpu}-x{row.GpuCount}",
            Local = true,
            Gpu = new GpuSpec(row.Gpu, row.GpuCount),
            Models = [model.Name],
            Workloads = [],
        };
        return new RunPlanner(GpuCatalog.Default, fit).LayOut(server, model, RootConfig.EngineFor(server, model));
    }

    private static IEnumerable<SeedRow> ReadRows()
    {
        var lines = File.ReadLines(Fixtures.PathOf("seed-results.csv")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        foreach (var fields in lines.Skip(1).Select(l => l.Split(',')))
        {
            int Int(string name) => int.Parse(fields[Column(name)], CultureInfo.InvariantCulture);
            yield return new SeedRow(fields[Column("model")], fields[Column("gpu")], Int("gpu_count"), Int("replicas"), Int("tp"), Int("pp"),
                fields[Column("notes")]);
        }
    }

    [GeneratedRegex(@"tensor parallel (\d+)")]
    private static partial Regex TensorParallelNote();

    public sealed record SeedRow(string Model, string Gpu, int GpuCount, int Replicas, int Tp, int Pp, string Notes)
    {
        public override string ToString() => $"{Model.Split('/')[1]} on {GpuCount}×{Gpu} → {Replicas}×tp{Tp}·pp{Pp}";
    }
}
