using GpuBench.Agent.Hosting;
using GpuBench.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAgent();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAgentApi();
app.Run();
