namespace GpuBench.Core.Engines;

/// <summary>How vLLM is started, which decides where the model goes on its command line.</summary>
public enum VllmEntrypoint
{
    /// <summary>`vllm serve MODEL [options]`: the model is positional; `--model` is refused.</summary>
    Serve,

    /// <summary>`python3 -m vllm.entrypoints.openai.api_server --model MODEL [options]`: the docker image's entrypoint.</summary>
    ApiServer,
}
