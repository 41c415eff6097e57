using System.Text.Json;
using GpuBench.Agent.Hosting;
using GpuBench.Core.Contracts;
using GpuBench.Core.Metrics;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Runs;

/// <summary>
/// Run results on the box's disk until the controller acknowledges them. Each write goes to a temporary file
/// first and is renamed over the old one, so a crash mid-write never leaves a truncated result.
/// </summary>
public sealed class RunStore(IOptions<AgentOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(ContractJson.Options) { WriteIndented = true };

    public string Directory => Path.Combine(options.Value.DataDirectory, "runs");

    public async Task SaveAsync(RunResult result, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(result.RunId);
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, result, Json, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Every request's record (requests.jsonl), kept beside the result.</summary>
    public async Task SaveRequestsAsync(string runId, IEnumerable<RequestRecord> requests, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = RequestsPathOf(runId);
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await ResultJson.WriteLinesAsync(stream, requests, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The path of a run's requests.jsonl when it exists.</summary>
    public string? FindRequests(string runId) => File.Exists(RequestsPathOf(runId)) ? RequestsPathOf(runId) : null;

    public async Task<RunResult?> LoadAsync(string runId, CancellationToken cancellationToken)
    {
        var path = PathOf(runId);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<RunResult>(stream, Json, cancellationToken);
    }

    /// <summary>The runs whose results wait for acknowledgement.</summary>
    public IReadOnlyList<string> List() =>
        System.IO.Directory.Exists(Directory)
            ? [.. System.IO.Directory.GetFiles(Directory, "*.json").Where(p => !p.EndsWith(".tmp", StringComparison.Ordinal)).Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Forgets an acknowledged result; false when there was none.</summary>
    public bool Delete(string runId)
    {
        var path = PathOf(runId);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        File.Delete(RequestsPathOf(runId));
        return true;
    }

    private string RequestsPathOf(string runId) => Path.ChangeExtension(PathOf(runId), ".requests.jsonl");

    private string PathOf(string runId)
    {
        // Ids come from URLs: only the agent's own id format may reach the file system.
        if (runId.Length == 0 || !runId.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"'{runId}' is not a run id.", nameof(runId));
        }

        return Path.Combine(Directory, runId + ".json");
    }
}
