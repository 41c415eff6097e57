using System.Diagnostics;
using System.Globalization;
using GpuBench.Core.Config;
using GpuBench.Core.Contracts;
using GpuBench.Core.Net;

namespace GpuBench.Controller.Campaigns;

/// <summary>
/// An agent on this machine: the AppHost's (found through Aspire service discovery), or a child process started for
/// the campaign, bound to 127.0.0.1 with a fresh token given through its environment, and stopped at the end.
/// </summary>
public sealed class LocalAgentSession : IAgentSession
{
    /// <summary>The token of the AppHost's agent (the agent reads the same value as Agent__Token).</summary>
    public const string TokenVariable = "GPUBENCH_AGENT_TOKEN";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Process? _process;
    private readonly string? _dataDirectory;

    private LocalAgentSession(AgentClient client, AgentTools tools, Process? process, string? dataDirectory)
    {
        Client = client;
        Tools = tools;
        _process = process;
        _dataDirectory = dataDirectory;
    }

    public AgentClient Client { get; }

    public AgentTools Tools { get; }

    /// <summary>The AppHost's agent for <paramref name="server"/>, when gpubench runs under the AppHost; null otherwise.</summary>
    public static LocalAgentSession? Discovered(AgentClientFactory clients, AgentTools tools, ServerSpec server)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(server);
        if (Environment.GetEnvironmentVariable(AgentDiscovery.UrlVariable(server.Name)) is not { Length: > 0 } url)
        {
            return null;
        }

        var token = Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } t
            ? t
            : throw new InvalidOperationException(
                $"The AppHost's agent is at {url} but {TokenVariable} is not set: give the controller the agent's token.");
        return new LocalAgentSession(clients.Create(new Uri(url.TrimEnd('/') + "/"), token), tools, null, null);
    }

    /// <summary>
    /// Starts <see cref="AgentTools.Agent"/> as a child process for <paramref name="server"/> on a port of its own
    /// choosing (it says which once it listens, so no other process can take the port in between), and waits for /health.
    /// </summary>
    public static async Task<LocalAgentSession> StartAsync(
        AgentClientFactory clients, AgentTools tools, ServerSpec server, TimeProvider time, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(server);
        var token = AgentClientFactory.NewToken();
        var data = Directory.CreateTempSubdirectory("gpubench-agent-").FullName;

        var start = new ProcessStartInfo(tools.Agent[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in tools.Agent.Skip(1).Concat(["--urls", "http://127.0.0.1:0", LoopbackPorts.ListeningLineArgument]))
        {
            start.ArgumentList.Add(argument);
        }

        var environment = AgentEnvironment(data, tools, server, settings);
        environment["Agent__Token"] = token;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var log = new LineTail(40);
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            log.Add(e.Data);
            if (LoopbackPorts.ListeningPort(e.Data) is { } port)
            {
                listening.TrySetResult(port);
            }
        };
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            Directory.Delete(data, recursive: true);
            throw;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Once the agent has exited and all its output is read, the reason is complete.
        _ = process.WaitForExitAsync(CancellationToken.None).ContinueWith(
            _ => listening.TrySetException(new InvalidOperationException(ExitedReason(process, log))),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        LocalAgentSession? session = null;
        try
        {
            var port = await listening.Task.WaitAsync(StartTimeout, time, cancellationToken).ConfigureAwait(false);
            var url = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            session = new LocalAgentSession(clients.Create(url, token), tools, process, data);
            await AgentClientFactory.WaitHealthyAsync(url, StartTimeout, () => process.HasExited ? ExitedReason(process, log) : null, time, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            session?.Client.Dispose();
            await ReleaseAsync(process, data).ConfigureAwait(false);
            throw new InvalidOperationException(
                $"The agent did not report a listening address within {StartTimeout.TotalSeconds:0} s. Its output:\n{log}");
        }
        catch
        {
            session?.Client.Dispose();
            await ReleaseAsync(process, data).ConfigureAwait(false);
            throw;
        }

        return session;
    }

    /// <summary>
    /// The agent's settings as environment variables (the token aside): data directory, gateway program, and the
    /// GPUs to simulate when the box has no nvidia-smi (the server's, from config.yml); then the campaign's own
    /// <paramref name="settings"/>, which win.
    /// </summary>
    public static Dictionary<string, string> AgentEnvironment(
        string dataDirectory, AgentTools tools, ServerSpec server, IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(server);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Agent__DataDirectory"] = dataDirectory,
            ["Agent__SimulatedGpus__Type"] = server.Gpu.Type,
            ["Agent__SimulatedGpus__Count"] = server.Gpu.Count.ToString(CultureInfo.InvariantCulture),
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        for (var i = 0; i < tools.Gateway.Count; i++)
        {
            environment[$"Agent__GatewayCommand__{i.ToString(CultureInfo.InvariantCulture)}"] = tools.Gateway[i];
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        return environment;
    }

    public Task<bool> RecoverAsync(Exception error, CancellationToken cancellationToken) =>
        // Nothing between here and a local agent can come back by itself: if it answers no more, it is gone.
        Task.FromResult(false);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await ReleaseAsync(_process, _dataDirectory).ConfigureAwait(false);
    }

    private static async Task ReleaseAsync(Process? process, string? dataDirectory)
    {
        if (process is not null)
        {
            await StopAsync(process).ConfigureAwait(false);
            process.Dispose();
        }

        if (dataDirectory is not null && Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        // SIGTERM first: the agent tears down what it started (engines, gateways) on a graceful stop.
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) } }))
        {
            if (kill is not null)
            {
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private static string ExitedReason(Process process, LineTail log) => $"The agent exited at start with code {process.ExitCode}:\n{log}";

}
