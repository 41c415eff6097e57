using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using GpuBench.TestSupport;

namespace GpuBench.Simulator.Tests.Serving;

/// <summary>The built simulator program as a child process on 127.0.0.1 and a free port, its standard output collected.</summary>
public sealed partial class SimulatorProcess : IAsyncDisposable
{
    public const string Model = "meta-llama/Llama-3.1-8B-Instruct";

    private readonly Process _process;
    private readonly List<string> _output = [];

    private SimulatorProcess(Process process) => _process = process;

    public HttpClient Client { get; private set; } = null!;

    public int Id => _process.Id;

    public static async Task<SimulatorProcess> StartAsync(params string[] flags)
    {
        var start = new ProcessStartInfo(BuiltProjects.DotNet) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[BuiltProjects.Simulator, "serve", Model, "--max-model-len", "2048", "--host", "127.0.0.1", "--port", "0", .. flags])
        {
            start.ArgumentList.Add(arg);
        }

        var simulator = new SimulatorProcess(Process.Start(start)!);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        simulator._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            lock (simulator._output)
            {
                simulator._output.Add(line);
            }

            if (ListeningOn().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        simulator._process.ErrorDataReceived += (_, _) => { };
        simulator._process.BeginOutputReadLine();
        simulator._process.BeginErrorReadLine();
        try
        {
            simulator.Client = new HttpClient { BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken) };
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }

        return simulator;
    }

    /// <summary>
    /// Stops the program with SIGTERM, as a deployment stops it (its console log is flushed), and returns what it
    /// wrote after its start-up lines (the last is "Content root path") and before "Application is shutting down".
    /// </summary>
    public async Task<List<string>> StopAsync()
    {
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        _process.WaitForExit(); // the last lines of output are delivered
        lock (_output)
        {
            var started = _output.FindIndex(l => l.Contains("Content root path", StringComparison.Ordinal));
            var stopping = _output.FindIndex(l => l.Contains("Application is shutting down", StringComparison.Ordinal));
            Assert.True(started >= 0 && stopping > started, string.Join('\n', _output));
            return _output[(started + 1)..stopping];
        }
    }

    public ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
