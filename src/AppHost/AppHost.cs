using GpuBench.AppHost.Deployments;
using GpuBench.AppHost.Wiring;
using GpuBench.Core.Contracts;

// The whole campaign from one command: the dashboard, one agent per local (simulated) box, and the controller
// running `gpubench bench` on config.yml (or --config PATH). Every process, including the engines and gateways the
// agents start, exports its traces, metrics and logs to the dashboard, where each engine replica and gateway is a
// resource of its own.
var builder = DistributedApplication.CreateBuilder(args);
var campaign = CampaignSettings.From(builder);

// One bearer token per campaign, generated at start, never written to disk: the agents require it, the controller sends it.
var token = builder.AddParameter("agent-token", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

var controller = builder.AddProject<Projects.Controller>("controller")
    .WithArgs("bench", "--config", campaign.ConfigPath, "--bundle", LocalBundle.Prepare(campaign.BundleDirectory))
    .WithEnvironment(AgentWiring.ControllerTokenVariable, token)
    .WithTraceSampling(campaign);

foreach (var server in campaign.LocalServers)
{
    var agent = builder.AddProject<Projects.Agent>(AgentDiscovery.ResourceName(server.Name))
        .OnLoopbackOnly()
        .WithAgentToken(token)
        .WithDataDirectory(campaign, server)
        .WithSimulatedBox(server)
        .WithGateway(campaign)
        .WithTraceSampling(campaign)
        .WithHttpHealthCheck("/health")
        .WithRunResources(campaign, server);

    controller.WithReference(agent).WaitFor(agent);
}

// The engines and gateways the agents start for each run, as resources under their agent, live from the agents' status.
builder.WatchDeployments(token, controller);

builder.Build().Run();
