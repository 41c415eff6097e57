using System.Text.Json;
using System.Text.Json.Nodes;
using GpuBench.Core.Config;
using GpuBench.Core.Hardware;
using GpuBench.Core.Planning;
using GpuBench.Core.Results;
using GpuBench.TestSupport;

namespace GpuBench.Core.Tests.Results;

/// <summary>The run record's JSON, pinned by the files GpuBench 0.1.0 wrote (tests/fixtures/run-records/0.1.0).</summary>
public sealed class RunRecordJsonTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_result_json_written_by_0_1_0_reads_back_whole_and_writes_what_it_read_unchanged()
    {
        var text = await File.ReadAllTextAsync(Fixtures.PathOf("run-records", "0.1.0", "result.json"), Ct);
        using var json = JsonDocument.Parse(text);

        var record = RunRecordJson.ReadFromResult(json.RootElement);

        Assert.NotNull(record);
        Assert.Equal(("box-a", "QuantTrio/Qwen3-Coder-30B-A3B-Instruct-AWQ", "2 × pp2", RuntimeKind.Process), (record.Server, record.ModelId, record.Layout, record.Runtime));
        Assert.Equal([[0, 1], [2, 3]], record.GpuIds.Select(ids => ids.ToArray()));
        Assert.Equal((0.39m, 1.56m), (record.PricePerGpuHour, record.DollarsPerHour));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero), record.StartedAt);
        Assert.Equal(("downloaded", 17_000_000_000L, 200.0), (record.Provisioning!.Outcome, record.Provisioning.BytesDownloaded, record.Provisioning.DownloadMegabytesPerSecond));
        Assert.Equal(402, Assert.Single(record.GpuTelemetry).Peak);
        Assert.Equal(RunRecord.Succeeded, record.State);

        Assert.Equal(RunFolderFormat.Unversioned, record.FormatVersion);
        Assert.Null(record.WorkloadParameters);

        // vLLM's fields stay at the top and the record under "run", every field as it was; only fields of later
        // formats are added.
        var benchmark = JsonNode.Parse(text)!.AsObject();
        benchmark.Remove(RunRecordJson.Property);
        using var vllmFields = JsonDocument.Parse(benchmark.ToJsonString());
        AssertKeeps(JsonNode.Parse(text)!, JsonNode.Parse(RunRecordJson.SerializeResult(vllmFields.RootElement, record))!);
    }

    [Fact]
    public async Task A_failure_json_written_by_0_1_0_reads_back_and_writes_what_it_read_unchanged()
    {
        var text = await File.ReadAllTextAsync(Fixtures.PathOf("run-records", "0.1.0", "failure.json"), Ct);

        var record = JsonSerializer.Deserialize<RunRecord>(text, RunRecordJson.Options)!;

        Assert.Equal((RunRecord.Failed, "engine did not start: out of memory"), (record.State, record.Reason));
        Assert.Null(record.Provisioning);
        AssertKeeps(JsonNode.Parse(text)!, JsonNode.Parse(RunRecordJson.Serialize(record))!);
    }

    /// <summary>Every member of <paramref name="written"/>, at any depth, is in <paramref name="rewritten"/> with the same value.</summary>
    private static void AssertKeeps(JsonNode written, JsonNode rewritten)
    {
        if (written is JsonObject members)
        {
            foreach (var (name, value) in members)
            {
                var again = Assert.IsAssignableFrom<JsonObject>(rewritten);
                Assert.True(again.ContainsKey(name), $"'{name}' is no longer written");
                if (value is null)
                {
                    Assert.Null(again[name]);
                }
                else
                {
                    AssertKeeps(value, again[name]!);
                }
            }
        }
        else
        {
            Assert.True(JsonNode.DeepEquals(written, rewritten), $"{written.GetPath()}: {written.ToJsonString()} became {rewritten.ToJsonString()}");
        }
    }

    [Fact]
    public void A_result_without_a_record_has_none()
    {
        using var json = JsonDocument.Parse("""{ "completed": 3, "output_throughput": 10.5 }""");

        Assert.Null(RunRecordJson.ReadFromResult(json.RootElement));
    }

    [Fact]
    public void A_record_missing_a_field_every_record_has_is_refused_naming_it()
    {
        var run = JsonNode.Parse(File.ReadAllText(Fixtures.PathOf("run-records", "0.1.0", "failure.json")))!.AsObject();
        run.Remove("gpu_ids");
        using var json = JsonDocument.Parse(new JsonObject { [RunRecordJson.Property] = run }.ToJsonString());

        var error = Assert.Throws<JsonException>(() => RunRecordJson.ReadFromResult(json.RootElement));

        Assert.Contains("gpu_ids", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_planned_record_gives_back_the_planned_layout()
    {
        var loaded = ConfigLoader.Parse("""
            prices: { rtx4090: 0.39 }
            workloads:
              - { name: smoke, input_len: 200, output_len: 100, num_prompts: 40 }
            models:
              glm: { id: zai-org/GLM-4.5-Air-FP8, weights_gb: 60, pp: 2 }
            servers:
              - name: box
                local: true
                gpu: { type: rtx4090, count: 4 }
                models: [glm]
            """, "config.yml", Path.GetTempPath());
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Errors));
        var run = new RunPlanner(GpuCatalog.Default).Plan(loaded.Config!).Runs.Single();

        var record = RunRecord.Planned("c", run, DateTimeOffset.UnixEpoch);

        Assert.Equal((RunRecord.Running, "vllm", false, 4), (record.State, record.Engine, record.Simulated, record.GpuCount));
        Assert.Equal(GpuBenchVersion.Current, record.GpuBenchVersion);
        var layout = record.ToLayout();
        Assert.Equal(run.Layout.ToString(), layout.ToString());
        Assert.Equal(run.Layout.Placements.Select(p => p.DeviceList), layout.Placements.Select(p => p.DeviceList));
    }
}
