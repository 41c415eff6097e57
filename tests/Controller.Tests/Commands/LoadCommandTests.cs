using System.Diagnostics;
using System.Text.Json;
using GpuBench.Controller.Commands;
using GpuBench.Core.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Spectre.Console.Cli.Testing;

namespace GpuBench.Controller.Tests.Commands;

public sealed class LoadCommandTests : IAsyncLifetime
{
    private WebApplication? _server;

    private string BaseUrl => _server!.Urls.First();

    /// <summary>
    /// A real Kestrel server with the minimum of vLLM's API the command touches: each word is a token, and every
    /// completion streams three one-token chunks, then usage and [DONE].
    /// </summary>
    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapGet("/v1/models", () => Results.Json(new { data = new[] { new { id = "tiny" } } }));
        _server.MapPost("/tokenize", async (HttpContext c) =>
        {
            using var body = await JsonDocument.ParseAsync(c.Request.Body);
            var words = body.RootElement.GetProperty("prompt").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return Results.Json(new { tokens = words.Select(w => w.Length).ToArray() });
        });
        _server.MapPost("/detokenize", async (HttpContext c) =>
        {
            using var body = await JsonDocument.ParseAsync(c.Request.Body);
            return Results.Json(new { prompt = string.Join(' ', body.RootElement.GetProperty("tokens").EnumerateArray().Select(t => new string('w', t.GetInt32()))) });
        });
        _server.MapPost("/v1/completions", async (HttpContext c) =>
        {
            c.Response.ContentType = "text/event-stream";
            foreach (var n in new[] { 1, 2, 3 })
            {
                await c.Response.WriteAsync($"data: {{\"choices\":[{{\"text\":\"w\"}}],\"usage\":{{\"prompt_tokens\":8,\"completion_tokens\":{n}}}}}\n\n");
                await c.Response.Body.FlushAsync();
                await Task.Delay(5);
            }

            await c.Response.WriteAsync("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":3}}\n\ndata: [DONE]\n\n");
        });
        await _server.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static CommandAppTester App()
    {
        var app = new CommandAppTester();
        app.Configure(c => c.AddLoadCommand());
        return app;
    }

    [Fact]
    public async Task Load_prints_the_vllm_result_block_and_saves_json_text_and_requests()
    {
        var dir = Directory.CreateTempSubdirectory("gpubench-load-").FullName;
        try
        {
            var result = await App().RunAsync(
                ["load", "--base-url", BaseUrl, "--num-prompts", "4", "--random-input-len", "8", "--random-output-len", "3",
                 "--max-concurrency", "2", "--percentile-metrics", "ttft,tpot,itl,e2el", "--metric-percentiles", "50,99",
                 "--save-result", "--save-detailed", "--label", "smoke", "--metadata", "gpu=h200",
                 "--result-dir", dir, "--result-filename", "run.json", "--disable-tqdm"],
                TestContext.Current.CancellationToken);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("============ Serving Benchmark Result ============", result.Output, StringComparison.Ordinal);
            Assert.Contains("Maximum request concurrency:             2", result.Output, StringComparison.Ordinal);
            Assert.Contains("P50 E2EL (ms):", result.Output, StringComparison.Ordinal);
            Assert.Contains("GpuBench (not vLLM)", result.Output, StringComparison.Ordinal);

            var text = await File.ReadAllTextAsync(Path.Combine(dir, "run.json"), TestContext.Current.CancellationToken);
            var saved = ResultJson.Deserialize(text);
            using (var json = JsonDocument.Parse(text))
            {
                Assert.Equal("tiny", json.RootElement.GetProperty("model_id").GetString());
                Assert.Equal("openai", json.RootElement.GetProperty("backend").GetString());
                Assert.Equal(4, json.RootElement.GetProperty("num_prompts").GetInt32());
                Assert.Equal("h200", json.RootElement.GetProperty("gpu").GetString());
                Assert.Equal("smoke", json.RootElement.GetProperty("label").GetString());
                Assert.Equal(4, json.RootElement.GetProperty("itls").GetArrayLength());
                Assert.Equal(["www", "www", "www", "www"], json.RootElement.GetProperty("generated_texts").EnumerateArray().Select(t => t.GetString()));
            }

            Assert.Equal(4, saved.Completed);
            Assert.Equal(12, saved.TotalOutputTokens);
            Assert.Equal(32, saved.TotalInputTokens);
            Assert.Equal(4, BenchmarkTextBlock.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "run.txt"), TestContext.Current.CancellationToken)).Completed);
            Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "run.requests.jsonl")).Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Help_lists_the_vllm_flag_names()
    {
        var result = await App().RunAsync(["load", "--help"], TestContext.Current.CancellationToken);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("Error", result.Output, StringComparison.Ordinal);  // every description is valid markup
        foreach (var flag in new[] { "--base-url", "--random-range-ratio", "--max-concurrency", "--request-rate", "--burstiness", "--goodput", "--save-result" })
        {
            Assert.Contains(flag, result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bad_flags_are_refused_naming_the_flag()
    {
        var result = await App().RunAsync(["load", "--random-range-ratio", "1.5", "--backend", "openai-chat"], TestContext.Current.CancellationToken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--random-range-ratio", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_map_to_the_run_with_vllm_defaults()
    {
        var chat = new LoadCommand.Settings { Backend = "openai-chat", Goodput = ["ttft:500", "tpot:50"], MetricPercentiles = "50,99.9" }.ToLoadOptions();
        Assert.Equal("/v1/chat/completions", chat.Endpoint);
        Assert.True(double.IsPositiveInfinity(chat.RequestRate));
        Assert.True(chat.IgnoreEos);
        Assert.Equal(new GoodputSlo(500, 50), chat.Metrics.Goodput);
        Assert.Equal([50, 99.9], chat.Metrics.Percentiles);

        var completions = new LoadCommand.Settings { RequestRate = "12.5", NoIgnoreEos = true }.ToLoadOptions();
        Assert.Equal("/v1/completions", completions.Endpoint);
        Assert.Equal(12.5, completions.RequestRate);
        Assert.False(completions.IgnoreEos);

        // Response text is kept only when it will be written: --save-result with --save-detailed.
        Assert.False(chat.KeepGeneratedText);
        Assert.False(new LoadCommand.Settings { SaveDetailed = true }.ToLoadOptions().KeepGeneratedText);
        Assert.True(new LoadCommand.Settings { SaveResult = true, SaveDetailed = true }.ToLoadOptions().KeepGeneratedText);
    }

    [Fact]
    public async Task A_server_without_a_tokenizer_endpoint_is_a_clear_error()
    {
        await using var bare = WebApplication.CreateSlimBuilder().Build();
        bare.Urls.Add("http://127.0.0.1:0");
        await bare.StartAsync(TestContext.Current.CancellationToken);

        var result = await App().RunAsync(["load", "--base-url", bare.Urls.First(), "--model", "m", "--num-prompts", "1", "--disable-tqdm"],
            TestContext.Current.CancellationToken);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/tokenize", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sharegpt_run_prints_and_saves_what_it_sent()
    {
        var folder = Directory.CreateTempSubdirectory("gpubench-load-dataset-").FullName;
        try
        {
            var dataset = Path.Combine(folder, "chat.json");
            await File.WriteAllTextAsync(dataset, """
                [{"conversations": [{"value": "one two three four five"}, {"value": "a b c d e f"}]},
                 {"conversations": [{"value": "short"}, {"value": "a b c d"}]},
                 {"conversations": [{"value": "six seven eight nine"}, {"value": "g h i j"}]}]
                """, TestContext.Current.CancellationToken);

            var result = await App().RunAsync(["load", "--base-url", BaseUrl, "--dataset-name", "sharegpt", "--dataset-path", dataset, "--num-prompts", "3",
                "--disable-tqdm", "--save-result", "--result-dir", folder, "--result-filename", "r.json"], TestContext.Current.CancellationToken);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("Dataset: sharegpt (chat.json, sha256 ", result.Output, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "r.json"), TestContext.Current.CancellationToken));
            var summary = json.RootElement.GetProperty("gpubench").GetProperty("dataset");
            Assert.Equal(3, summary.GetProperty("requests").GetInt32());   // two valid, one oversampled
            Assert.Equal(4, summary.GetProperty("input_lens").GetProperty("min").GetInt32());
            Assert.Equal(6, summary.GetProperty("output_lens").GetProperty("max").GetInt32());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_malformed_dataset_is_an_error_at_its_line_and_column()
    {
        var folder = Directory.CreateTempSubdirectory("gpubench-load-dataset-").FullName;
        try
        {
            var dataset = Path.Combine(folder, "prompts.jsonl");
            await File.WriteAllTextAsync(dataset, "{\"prompt\": \"hello there\"}\n{\"text\": \"no prompt\"}\n", TestContext.Current.CancellationToken);

            var result = await App().RunAsync(["load", "--base-url", BaseUrl, "--dataset-name", "custom", "--dataset-path", dataset, "--num-prompts", "2",
                "--disable-tqdm"], TestContext.Current.CancellationToken);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"{dataset}:2:1: the line has no \"prompt\"", result.Output.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Trace_sampling_is_parent_based_with_the_given_ratio_at_the_root()
    {
        static SamplingResult Decide(double ratio, ActivityContext parent) => LoadCommand.OtlpExport.Sampler(ratio).ShouldSample(
            new SamplingParameters(parent, ActivityTraceId.CreateRandom(), "chat tiny", ActivityKind.Client));

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(1, default).Decision);
        Assert.Equal(SamplingDecision.Drop, Decide(0, default).Decision);

        var sampledParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(0, sampledParent).Decision);  // the parent decided
        var droppedParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        Assert.Equal(SamplingDecision.Drop, Decide(1, droppedParent).Decision);
    }

    [Fact]
    public void Trace_sampling_ratio_defaults_to_a_tenth_and_must_be_a_ratio()
    {
        Assert.Equal(0.1, new LoadCommand.Settings().TraceSamplingRatio);
        Assert.False(new LoadCommand.Settings { TraceSamplingRatio = 1.5 }.Validate().Successful);
        Assert.True(new LoadCommand.Settings { TraceSamplingRatio = 0 }.Validate().Successful);
    }

    [Fact]
    public void Metadata_must_be_key_value_pairs()
    {
        Assert.False(new LoadCommand.Settings { Metadata = ["novalue"] }.Validate().Successful);
        var settings = new LoadCommand.Settings { Metadata = ["gpu = h200", "note=a=b"], Label = "x", SaveDetailed = true }.ToSaveSettings();
        Assert.Equal("h200", settings.Metadata!["gpu"]);
        Assert.Equal("a=b", settings.Metadata["note"]);
        Assert.Equal("x", settings.Label);
        Assert.True(settings.Detailed);
    }
}
