using GpuBench.Gateway.Hosting;

await GatewayHost.Create(args).RunAsync();
