using GpuBench.AppHost.Wiring;

// The whole campaign from one command: the dashboard, a local agent for the simulated boxes, and the controller
// running `gpubench bench` on config.yml (or --config PATH). Every process, including the engines and gateways the
// agent starts, exports its traces, metrics and logs to the dashboard.
var builder = DistributedApplication.CreateBuilder(args);
var campaign = CampaignSettings.From(builder);

// One bearer token per campaign, generated at start, never written to disk: the agent requires it, the controller sends it.
var token = builder.AddParameter("agent-token", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);

var agent = builder.AddProject<Projects.Agent>("agent")
    .OnLoopbackOnly()
    .WithAgentToken(token)
    .WithDataDirectory(campaign)
    .WithSimulatedBox(campaign)
    .WithGateway(campaign)
    .WithTraceSampling(campaign)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Controller>("controller")
    .WithArgs("bench", "--config", campaign.ConfigPath, "--bundle", LocalBundle.Prepare(campaign.BundleDirectory))
    .WithEnvironment(AgentWiring.ControllerTokenVariable, token)
    .WithTraceSampling(campaign)
    .WithReference(agent)
    .WaitFor(agent);

builder.Build().Run();
