using GpuBench.GatewayPolicies;

return await PolicyBenchmark.RunAsync(args);
