using GpuBench.Core.Runtime;
using GpuBench.Gateway.Hosting;

// Before the first socket: upstream reads continue on the socket threads, one hop fewer per forwarded chunk.
InlineSocketCompletions.Enable();
await GatewayHost.Create(args).RunAsync();
