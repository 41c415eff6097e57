using GpuBench.Agent.Hosting;
using GpuBench.Core.Runtime;
using GpuBench.ServiceDefaults;

// Before the first socket: the load generator's timestamps follow the bytes without a thread-pool hop.
InlineSocketCompletions.Enable();

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAgent();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAgentApi();
app.Run();
