using GpuBench.Core.Runtime;
using GpuBench.Gateway.Hosting;
using GpuBench.GatewayOverhead;
using GpuBench.GatewayOverhead.Diagnostics;
using GpuBench.GatewayOverhead.Replicas;

// One executable, three roles: the benchmark starts itself again as the replicas and as the gateway, so a single
// self-contained file is all a GPU box needs (NGINX aside).
if (args.FirstOrDefault() == "gateway")
{
    // As the gateway's own Program.cs does, before the first socket.
    InlineSocketCompletions.Enable();
}

switch (args.FirstOrDefault())
{
    case "gateway" when args is [_, "--stats", var statsPath, ..]:
        using (new RuntimeStatsRecorder(statsPath))
        {
            await GatewayHost.Create(args[3..]).RunAsync();
        }

        return 0;
    case "gateway":
        await GatewayHost.Create(args[1..]).RunAsync();
        return 0;
    case "replicas":
        var (ports, schedule) = BenchOptions.ParseReplicaArguments(args[1..]);
        var servers = ports.Select(port => EmittingReplica.Build(port, schedule)).ToArray();
        await Task.WhenAll(servers.Select(s => s.StartAsync()));
        await Task.WhenAll(servers.Select(s => s.WaitForShutdownAsync()));
        return 0;
    case "--help" or "-h":
        Console.WriteLine(BenchOptions.Usage);
        return 0;
    default:
        using (var cancel = new CancellationTokenSource())
        {
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            return await Benchmark.RunAsync(BenchOptions.Parse(args is ["run", ..] ? args[1..] : args), cancel.Token);
        }
}
