using GpuBench.Provisioning.Bench;

return await ProvisioningBenchmark.RunAsync(BenchmarkSettings.Parse(args), Console.Out, CancellationToken.None);
