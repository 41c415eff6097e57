using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using GpuBench.Core.Net;
using GpuBench.Core.Contracts;
using GpuBench.TestSupport;

namespace GpuBench.Agent.Tests.Support;

/// <summary>
/// The agent as a real process on 127.0.0.1, with its own data directory and token, the built gateway as its
/// gateway and simulated GPUs. <see cref="Crash"/> kills it without cleanup, as a dying agent would leave things.
/// </summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    public const string Token = "agent-test-token-5f2c";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public string DataDirectory { get; }

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Everything the agent wrote to stdout and stderr: its log.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<AgentProcess> StartAsync(
        string dataDirectory, CancellationToken cancellationToken, int simulatedGpus = 4, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var startInfo = new ProcessStartInfo(BuiltProjects.DotNet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { BuiltProjects.Agent, "--urls", "http://127.0.0.1:0" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var environment = startInfo.Environment;
        environment["Agent__Token"] = Token;
        environment["Agent__DataDirectory"] = dataDirectory;
        environment["Agent__SimulatedGpus__Type"] = "rtx4090";
        environment["Agent__SimulatedGpus__Count"] = simulatedGpus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Agent__GatewayCommand__0"] = BuiltProjects.DotNet;
        environment["Agent__GatewayCommand__1"] = BuiltProjects.Gateway;
        environment["Agent__TelemetryInterval"] = "00:00:00.250";
        environment["DOTNET_ENVIRONMENT"] = "Production";
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start the agent");
        var agent = new AgentProcess(process, dataDirectory);
        process.OutputDataReceived += (_, e) => agent.Append(e.Data);
        process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            agent.Connect(await agent.ListeningPortAsync(cancellationToken));
            await agent.WaitAliveAsync(cancellationToken);
        }
        catch
        {
            // An agent that never came up must not outlive the test that started it.
            await agent.DisposeAsync();
            throw;
        }

        return agent;
    }

    public async Task<DeploymentStatus> DeployAsync(DeploymentRequest request, CancellationToken cancellationToken)
    {
        using var response = await Client.PostAsJsonAsync("/deployments", request, ContractJson.Options, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST /deployments: {(int)response.StatusCode} {body}");
        return System.Text.Json.JsonSerializer.Deserialize<DeploymentStatus>(body, ContractJson.Options)!;
    }

    /// <summary>Deploys and waits until the deployment is Ready, failing the test with its error otherwise.</summary>
    public async Task<DeploymentStatus> DeployReadyAsync(DeploymentRequest request, CancellationToken cancellationToken)
    {
        var created = await DeployAsync(request, cancellationToken);
        var ready = await WaitSettledAsync(created.Id, cancellationToken);
        Assert.True(ready.State == DeploymentState.Ready, $"{ready.State}: {ready.Error}\n{Output}");
        return ready;
    }

    public async Task<DeploymentStatus> GetDeploymentAsync(string id, CancellationToken cancellationToken) =>
        (await Client.GetFromJsonAsync<DeploymentStatus>($"/deployments/{id}", ContractJson.Options, cancellationToken))!;

    /// <summary>Polls until the deployment leaves Starting; generous, the machine is shared.</summary>
    public async Task<DeploymentStatus> WaitSettledAsync(string id, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var status = await GetDeploymentAsync(id, cancellationToken);
            if (status.State != DeploymentState.Starting || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>The agent's pid.</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Kills the agent at once (SIGKILL): it tears nothing down itself. With <paramref name="withReaper"/>, its
    /// reaper goes first, as when the whole process group is killed: then nothing stops what it started.
    /// </summary>
    public void Crash(bool withReaper = false)
    {
        if (withReaper)
        {
            using var reaper = System.Diagnostics.Process.GetProcessById(ReaperProcessId());
            reaper.Kill();
            reaper.WaitForExit();
        }

        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>The pid of the agent's child that watches it (the shell named gpubench-reaper).</summary>
    private int ReaperProcessId()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var parent = stat[(stat.LastIndexOf(')') + 4)..].Split(' ')[0];
                if (parent == _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    && File.ReadAllText(Path.Combine(directory, "cmdline")).Contains("gpubench-reaper", StringComparison.Ordinal))
                {
                    return int.Parse(Path.GetFileName(directory), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A process that ended while being read, or another user's.
            }
        }

        throw new InvalidOperationException($"The agent {_process.Id} has no reaper.");
    }

    /// <summary>Asks the agent to stop as an operator would (SIGTERM) and waits for it.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } }))
        {
            await kill!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Client?.Dispose();
        _process.Dispose();
    }

    /// <summary>
    /// The port the agent got by binding port 0, from its "Now listening on" line: a port chosen here and handed to
    /// it could be taken by another process before the agent binds it.
    /// </summary>
    private async Task<int> ListeningPortAsync(CancellationToken cancellationToken)
    {
        var exited = _process.WaitForExitAsync(CancellationToken.None);
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(120), cancellationToken));
        Assert.True(first == _listening.Task, $"The agent {(first == exited ? "exited at start" : "did not say where it listens")}:\n{Output}");
        return await _listening.Task;
    }

    private void Connect(int port)
    {
        BaseUrl = new Uri($"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        Client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromMinutes(2) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    private async Task WaitAliveAsync(CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, $"The agent exited at start:\n{Output}");
            try
            {
                using var response = await probe.GetAsync("/alive", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet, or too busy starting to answer within the probe's timeout.
            }

            await Task.Delay(200, cancellationToken);
        }

        Assert.Fail($"The agent did not come up:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (LoopbackPorts.ListeningPort(line) is { } port)
            {
                _listening.TrySetResult(port);
            }
        }
    }
}
