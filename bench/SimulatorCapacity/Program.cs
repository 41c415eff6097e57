using GpuBench.Bench.SimulatorCapacity;

return await CapacityBenchmark.RunAsync(args);
