using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using GpuBench.AppHost.Tests.Support;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Engines;
using GpuBench.Core.Planning;
using GpuBench.TestSupport.Otlp;

namespace GpuBench.AppHost.Tests.Tracing;

/// <summary>
/// The AppHost's agent deploys a simulated engine and its gateway and runs a small load through them: every
/// request is one trace from the load generator through the gateway to the engine, each process under its own
/// service name, and the live metrics arrive with them.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RequestTraceTests : IDisposable
{
    private static readonly string AgentResource = AgentDiscovery.ResourceName(TinyCampaign.Server);
    private readonly TinyCampaign _campaign = new();

    [Fact]
    public async Task A_benchmark_request_is_one_trace_from_the_load_generator_through_the_gateway_to_the_engine()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await OtlpReceiver.StartAsync(ct);
        var builder = await AppHostUnderTest.CreateAsync(_campaign, receiver, withController: false, ct);
        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        using (var healthy = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            healthy.CancelAfter(TimeSpan.FromMinutes(3));
            await app.ResourceNotifications.WaitForResourceHealthyAsync(AgentResource, healthy.Token);
        }

        var agentUrl = app.GetEndpoint(AgentResource, "http");
        using var agent = new HttpClient { BaseAddress = agentUrl, Timeout = TimeSpan.FromMinutes(3) };
        using (var refused = await agent.GetAsync("/deployments", ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        agent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AppHostUnderTest.AgentToken);
        const string run = RequestTraces.Run;
        var deployment = await DeployAsync(agent, run, ct);
        try
        {
            // The dashboard shows the deployment's engine and gateway as resources under the agent, running now.
            await WaitForStateAsync(app, RunResources.Replica(run, 0), KnownResourceStates.Running, ct);
            await WaitForStateAsync(app, RunResources.Gateway(run), KnownResourceStates.Running, ct);

            var state = await RunAsync(agent, deployment, ct);
            Assert.Equal(RunState.Succeeded, state);

            var trace = await receiver.WaitForAsync(RequestTraces.FirstComplete, TimeSpan.FromSeconds(60), ct);
            Assert.True(trace is not null,
                $"No trace with spans of the load generator, the gateway and the engine. Received:\n{RequestTraces.Describe(receiver.Spans)}");

            var client = Assert.Single(trace, s => s.Scope == RequestTraces.LoadGenScope);
            Assert.Equal(AgentResource, client.Service);
            var engine = Assert.Single(trace, s => s.Name == RequestTraces.EngineSpan);
            Assert.Equal(RunResources.Replica(run, 0), engine.Service);
            var gateway = trace.Where(s => s.Service == RunResources.Gateway(run)).ToArray();
            Assert.NotEmpty(gateway);
            // The chain: the engine's span descends from a gateway span, which descends from the client's span.
            var byId = trace.ToDictionary(s => s.SpanId);
            var ancestors = Ancestors(engine, byId).ToArray();
            Assert.Contains(ancestors, s => s.Service == gateway[0].Service);
            Assert.Equal(client.SpanId, ancestors[^1].SpanId);

            // Live load metrics (GenAI names where they exist), and the engine and (simulated) GPU readings the agent
            // re-exports: queue depth, KV-cache use, and per GPU its utilisation, memory, power, temperature and SM
            // clock, which the simulator reports on /metrics as nvidia-smi would on a real box.
            string[] expected =
            [
                "gen_ai.client.operation.time_to_first_chunk", "gen_ai.client.operation.time_per_output_chunk",
                "gpubench.loadgen.output_tokens", "gpubench.loadgen.requests.in_flight",
                "gpubench.engine.requests.waiting", "gpubench.engine.kv_cache.usage",
                "gpubench.gpu.utilization", "gpubench.gpu.memory.used", "gpubench.gpu.power",
                "gpubench.gpu.temperature", "gpubench.gpu.clock.sm",
            ];
            var fromAgent = await receiver.WaitForAsync(
                r => r.Metrics.Where(m => m.Service == AgentResource).Select(m => m.Name).ToHashSet() is var names && expected.All(names.Contains) ? names : null,
                TimeSpan.FromSeconds(30), ct);
            var received = receiver.Metrics.Where(m => m.Service == AgentResource).Select(m => m.Name).ToHashSet();
            Assert.True(fromAgent is not null, $"Missing metrics of the agent: {string.Join(", ", expected.Where(e => !received.Contains(e)))}");
            Assert.Contains(receiver.Metrics, m => m.Service == RunResources.Gateway(run) && m.Name == "gpubench.gateway.requests");
        }
        finally
        {
            using var deleted = await agent.DeleteAsync($"/deployments/{deployment}", CancellationToken.None);
        }

        // Torn down: both resources end Finished.
        await WaitForStateAsync(app, RunResources.Replica(run, 0), KnownResourceStates.Finished, ct);
        await WaitForStateAsync(app, RunResources.Gateway(run), KnownResourceStates.Finished, ct);

        await AssertVllmGetsACommandLineThePinnedVllmAcceptsAsync(agent, ct);
    }

    /// <summary>
    /// A vLLM engine deployed by the AppHost's agent (which exports traces): its `vllm` records what it was given and
    /// hands it to the simulator, which refuses what vLLM v0.11.0 refuses. It serves, and its argv and OTLP protocol
    /// are the contract's.
    /// </summary>
    private async Task AssertVllmGetsACommandLineThePinnedVllmAcceptsAsync(HttpClient agent, CancellationToken ct)
    {
        var seen = Path.Combine(_campaign.Directory, "vllm-saw.txt");
        var vllm = Path.Combine(_campaign.Directory, "vllm");
        await File.WriteAllTextAsync(vllm, $"""
            #!/bin/sh
            printf '%s\n' "$OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" "$@" > '{seen}'
            exec {string.Join(' ', AppHostUnderTest.SimulatorCommand.Select(a => $"'{a}'"))} "$@"

            """, ct);
        File.SetUnixFileMode(vllm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var deployment = await DeployAsync(agent, "sim-rtx4090/vllm-contract/tiny", ct, EngineKind.Vllm, [vllm, "serve"]);
        using var deleted = await agent.DeleteAsync($"/deployments/{deployment}", CancellationToken.None);

        var lines = await File.ReadAllLinesAsync(seen, ct);
        var check = VllmCliContract.Pinned.Check(lines[1..], VllmEntrypoint.Serve);
        Assert.True(check.Accepted, $"{check.Error}\n{string.Join(' ', lines)}");
        Assert.Equal(TinyCampaign.ModelId, check.Model);
        Assert.True(check.Has("--otlp-traces-endpoint"), string.Join(' ', lines));
        Assert.Null(VllmCliContract.Pinned.CheckOtlpProtocol(lines[0]));
    }

    private static async Task WaitForStateAsync(DistributedApplication app, string resource, string state, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        await app.ResourceNotifications.WaitForResourceAsync(resource, state, timeout.Token);
    }

    public void Dispose() => _campaign.Dispose();

    private static IEnumerable<ReceivedSpan> Ancestors(ReceivedSpan span, Dictionary<string, ReceivedSpan> byId)
    {
        var current = span;
        while (current.ParentSpanId.Length > 0 && byId.TryGetValue(current.ParentSpanId, out var parent))
        {
            yield return parent;
            current = parent;
        }
    }

    private static async Task<string> DeployAsync(
        HttpClient agent, string run, CancellationToken ct, EngineKind kind = EngineKind.Sim, string[]? command = null)
    {
        var request = new DeploymentRequest
        {
            Campaign = "apphost-tests",
            Run = run,
            Runtime = RuntimeKind.Process,
            Layout = Layout.Consecutive(1, 1, 1),
            Engine = new EngineLaunch
            {
                Model = TinyCampaign.ModelId,
                Command = command ?? AppHostUnderTest.SimulatorCommand,
                Settings = new EngineSettings { Kind = kind, MaxModelLen = 4096 },
            },
            ReadyTimeout = TimeSpan.FromMinutes(2),
        };
        using var created = await agent.PostAsJsonAsync("/deployments", request, ContractJson.Options, ct);
        var body = await created.Content.ReadAsStringAsync(ct);
        Assert.True(created.IsSuccessStatusCode, $"POST /deployments: {(int)created.StatusCode} {body}");
        var id = JsonSerializer.Deserialize<DeploymentStatus>(body, ContractJson.Options)!.Id;

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var status = (await agent.GetFromJsonAsync<DeploymentStatus>($"/deployments/{id}", ContractJson.Options, ct))!;
            if (status.State != DeploymentState.Starting || DateTime.UtcNow > deadline)
            {
                Assert.True(status.State == DeploymentState.Ready, $"{status.State}: {status.Error}");
                return id;
            }

            await Task.Delay(250, ct);
        }
    }

    private static async Task<RunState> RunAsync(HttpClient agent, string deployment, CancellationToken ct)
    {
        var workload = new WorkloadSpec
        {
            Name = TinyCampaign.Workload,
            InputLen = 32,
            OutputLen = 16,
            NumPrompts = TinyCampaign.Prompts,
            MaxConcurrency = 4,
            Endpoint = "/v1/chat/completions",
        };
        using var started = await agent.PostAsJsonAsync("/runs", new RunRequest(deployment, workload), ContractJson.Options, ct);
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync(ct));
        var runId = (await started.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("runId").GetString()!;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            // 202 with the progress while the run is active, 200 with the result once it is over.
            using var response = await agent.GetAsync($"/runs/{runId}", ct);
            if (response.StatusCode == System.Net.HttpStatusCode.OK)
            {
                return (await response.Content.ReadFromJsonAsync<RunResult>(ContractJson.Options, ct))!.State;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The run did not finish: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");

            await Task.Delay(250, ct);
        }
    }
}
