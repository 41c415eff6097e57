var builder = DistributedApplication.CreateBuilder(args);

var agent = builder.AddProject<Projects.Agent>("agent")
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Controller>("controller")
    .WithReference(agent)
    .WaitFor(agent);

builder.Build().Run();
