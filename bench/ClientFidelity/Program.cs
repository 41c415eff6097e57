using GpuBench.Bench.ClientFidelity;

return args switch
{
    ["server", .. var rest] => await EmissionServer.RunAsync(BenchArgs.Parse(rest)),
    ["client", .. var rest] => await FidelityClient.RunAsync(BenchArgs.Parse(rest)),
    _ => BenchArgs.Usage(),
};
