using System.Net.Http.Json;
using System.Text.Json;

namespace GpuBench.Simulator.Tests.Api;

public class GroundTruthLogTests
{
    [Fact]
    public async Task Ground_truth_log_records_when_each_chunk_was_due_and_written()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "truth.jsonl");
        var cancel = TestContext.Current.CancellationToken;
        await using (var server = await SimulatorServer.StartAsync("serve", "meta-llama/Llama-3.1-8B-Instruct", "--sim-gpu", "l40s", "--max-model-len", "1024", "--sim-ground-truth-log", path))
        {
            using var response = await server.Client.PostAsJsonAsync("/v1/completions",
                new { model = "meta-llama/Llama-3.1-8B-Instruct", prompt = " ka be", max_tokens = 6, ignore_eos = true, stream = true }, cancel);
            await response.Content.ReadAsStringAsync(cancel);
        }

        var line = JsonDocument.Parse(Assert.Single(await File.ReadAllLinesAsync(path, cancel))).RootElement;
        var due = line.GetProperty("scheduled").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var written = line.GetProperty("written").EnumerateArray().Select(e => e.GetDouble()).ToArray();

        Assert.StartsWith("cmpl-", line.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(6, due.Length);
        Assert.Equal(6, written.Length);
        Assert.True(due.Zip(written).All(p => p.Second >= p.First), "a chunk is never written before it is due");
        Assert.True(due[0] >= line.GetProperty("arrival").GetDouble());
        Assert.Equal(due.Order(), due);
    }
}
