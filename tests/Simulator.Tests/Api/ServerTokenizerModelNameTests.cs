using GpuBench.LoadGen.Dataset;

namespace GpuBench.Simulator.Tests.Api;

/// <summary>
/// vLLM's /tokenize answers 404 for a model name it does not serve, as the simulator does; the load generator
/// says the name is wrong and lists the served ones instead of claiming the server has no /tokenize.
/// </summary>
public class ServerTokenizerModelNameTests
{
    [Fact]
    public async Task A_wrong_model_name_is_reported_with_the_served_names()
    {
        await using var server = await SimulatorServer.StartAsync("serve", "meta-llama/Llama-3.1-8B-Instruct", "--served-model-name", "llama8b", "--sim-gpu", "l40s");
        var tokenizer = new ServerTokenizer(server.Client, server.Client.BaseAddress!, "llama-8b");

        var error = await Assert.ThrowsAsync<TokenizerUnavailableException>(() => tokenizer.TokenizeAsync("hello", TestContext.Current.CancellationToken));

        Assert.Contains("does not serve a model named 'llama-8b'", error.Message, StringComparison.Ordinal);
        Assert.Contains("it serves: llama8b", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("has no POST /tokenize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_served_name_tokenizes()
    {
        await using var server = await SimulatorServer.StartAsync("serve", "meta-llama/Llama-3.1-8B-Instruct", "--served-model-name", "llama8b", "--sim-gpu", "l40s");
        var tokenizer = new ServerTokenizer(server.Client, server.Client.BaseAddress!, "llama8b");

        Assert.NotEmpty(await tokenizer.TokenizeAsync("hello there", TestContext.Current.CancellationToken));
    }
}
