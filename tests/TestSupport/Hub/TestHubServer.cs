using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GpuBench.TestSupport.Hub;

/// <summary>One request as the test Hub or its CDN saw it, with the body bytes it sent back.</summary>
public sealed record RecordedRequest(string Server, string Path, string? Authorization, string? Range, int Status, long BodyBytes);

/// <summary>
/// A Hub on Kestrel (127.0.0.1, a free port) speaking the API provisioning uses: revision, paginated recursive
/// tree, resolve with ranges, X-Error-Code on errors, LFS files redirected to a second server (the "CDN", on
/// another port and so another origin). Faults can be armed: a body cut off once, a corrupted body, 5xx answers.
/// </summary>
public sealed partial class TestHubServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, HubRepository> _repositories = new();
    private readonly ConcurrentDictionary<string, long> _cutAfter = new();
    private readonly ConcurrentDictionary<string, int> _corrupt = new();
    private readonly ConcurrentDictionary<string, bool> _gone = new();
    private readonly ConcurrentDictionary<string, long> _endAfter = new();
    private int _apiFailures;
    private WebApplication? _hub;
    private WebApplication? _cdn;

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _inFlight;

    /// <summary>
    /// Every request answered so far. Waits for requests still being answered: a client can have read a whole
    /// body before the server's handler has returned.
    /// </summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref _inFlight) == 0, TimeSpan.FromSeconds(10));
            return _requests.ToArray();
        }
    }

    /// <summary>Tree entries per page; small, so every test also walks the Link pagination.</summary>
    public int TreePageSize { get; set; } = 3;

    public Uri HubAddress { get; private set; } = null!;

    public Uri CdnAddress { get; private set; } = null!;

    public static async Task<TestHubServer> StartAsync(CancellationToken cancellationToken)
    {
        var server = new TestHubServer();
        server._cdn = server.Build("cdn", server.MapCdn);
        server._hub = server.Build("hub", server.MapHub);
        await server._cdn.StartAsync(cancellationToken);
        await server._hub.StartAsync(cancellationToken);
        server.CdnAddress = new Uri(server._cdn.Urls.First());
        server.HubAddress = new Uri(server._hub.Urls.First());
        return server;
    }

    public HubRepository Add(HubRepository repository) => _repositories[repository.Id] = repository;

    /// <summary>The next body of this file stops after <paramref name="bytes"/> bytes and the connection is dropped.</summary>
    public void CutOnce(string path, long bytes) => _cutAfter[path] = bytes;

    /// <summary>The next body of this file is sent without a length and ends cleanly after <paramref name="bytes"/> bytes.</summary>
    public void EndEarlyOnce(string path, long bytes) => _endAfter[path] = bytes;

    /// <summary>The next <paramref name="times"/> bodies of this file arrive with one byte flipped.</summary>
    public void Corrupt(string path, int times = 1) => _corrupt[path] = times;

    /// <summary>The file stays listed but resolving it answers 404 EntryNotFound.</summary>
    public void Remove(string path) => _gone[path] = true;

    /// <summary>The next <paramref name="times"/> API requests are answered 503.</summary>
    public void FailApi(int times) => Volatile.Write(ref _apiFailures, times);

    /// <summary>The requests that carried a file's bytes (from the Hub itself, or from the CDN for LFS files).</summary>
    public IReadOnlyList<RecordedRequest> BodyRequests(string path)
    {
        var cdnPath = FindContent(path) is { } content ? "/lfs/" + HubRepository.Sha256(content) : null;
        return Requests.Where(r => r.Status is 200 or 206 or 416 && (r.Path.EndsWith("/" + path, StringComparison.Ordinal) || r.Path == cdnPath)).ToArray();
    }

    public int FileRequestCount => Requests.Count(r => !r.Path.StartsWith("/api/", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        foreach (var app in new[] { _hub, _cdn })
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
    }

    private byte[]? FindContent(string path) =>
        _repositories.Values.SelectMany(r => r.Branches.Values.Select(r.FilesAt)).Select(f => f?.GetValueOrDefault(path)).FirstOrDefault(c => c is not null);

    private WebApplication Build(string server, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _inFlight);
            var body = new CountingStream(context.Response.Body);
            context.Response.Body = body;
            try
            {
                await next(context);
            }
            finally
            {
                _requests.Enqueue(new RecordedRequest(
                    server,
                    context.Request.Path.Value!,
                    context.Request.Headers.Authorization.Count > 0 ? context.Request.Headers.Authorization.ToString() : null,
                    context.Request.Headers.Range.Count > 0 ? context.Request.Headers.Range.ToString() : null,
                    context.Response.StatusCode,
                    body.Written));
                Interlocked.Decrement(ref _inFlight);
            }
        });
        map(app);
        return app;
    }

    private void MapHub(WebApplication app)
    {
        // What a proxy's sign-in page looks like to a client that expects the Hub.
        app.MapGet("/portal/{**rest}", () => Results.Content("<html><body>Sign in</body></html>", "text/html"));

        app.MapGet("/api/models/{org}/{name}/revision/{revision}", (HttpContext context, string org, string name, string revision) =>
            Api(context, $"{org}/{name}", revision, (repository, commit) =>
                Results.Json(new { id = repository.Id, sha = commit, siblings = repository.FilesAt(commit)!.Keys.Select(k => new { rfilename = k }) })));

        app.MapGet("/api/models/{org}/{name}/tree/{revision}", (HttpContext context, string org, string name, string revision, int? cursor) =>
            Api(context, $"{org}/{name}", revision, (_, commit) => Tree(context, commit, cursor ?? 0)));

        app.MapGet("/{org}/{name}/resolve/{revision}/{**path}", (HttpContext context, string org, string name, string revision, string path) =>
            Api(context, $"{org}/{name}", revision, (repository, commit) => Resolve(context, repository, commit, path)));
    }

    private void MapCdn(WebApplication app) =>
        app.MapGet("/lfs/{sha256}", async (HttpContext context, string sha256) =>
        {
            var entry = _repositories.Values
                .SelectMany(r => r.Branches.Values.Distinct().SelectMany(c => r.FilesAt(c)!))
                .FirstOrDefault(f => HubRepository.Sha256(f.Value) == sha256);
            if (entry.Value is null)
            {
                return Results.NotFound();
            }

            await ServeAsync(context, entry.Key, entry.Value);
            return Results.Empty;
        });

    private IResult Api(HttpContext context, string repositoryId, string revision, Func<HubRepository, string, IResult> answer)
    {
        if (Interlocked.Decrement(ref _apiFailures) >= 0)
        {
            return Error(context, 503, null);
        }

        Interlocked.Exchange(ref _apiFailures, 0);
        if (!_repositories.TryGetValue(repositoryId, out var repository))
        {
            return Error(context, 404, "RepoNotFound");
        }

        if (repository.GatedToken is { } token && context.Request.Headers.Authorization.ToString() != $"Bearer {token}")
        {
            return Error(context, context.Request.Headers.Authorization.Count == 0 ? 401 : 403, "GatedRepo");
        }

        if (repository.Resolve(Uri.UnescapeDataString(revision)) is not { } commit)
        {
            return Error(context, 404, "RevisionNotFound");
        }

        context.Response.Headers["X-Repo-Commit"] = commit;
        return answer(repository, commit);
    }

    private IResult Error(HttpContext context, int status, string? code)
    {
        if (code is not null)
        {
            context.Response.Headers["X-Error-Code"] = code;
        }

        return Results.Json(new { error = code ?? "unavailable" }, statusCode: status);
    }

    private IResult Tree(HttpContext context, string commit, int cursor)
    {
        var repository = _repositories.Values.First(r => r.FilesAt(commit) is not null);
        var files = repository.FilesAt(commit)!.OrderBy(f => f.Key, StringComparer.Ordinal).ToArray();
        var entries = files.Select(f => (object)new
        {
            type = "file",
            oid = HubRepository.GitOid(HubRepository.IsLfs(f.Key, f.Value) ? LfsPointer(f.Value) : f.Value),
            size = f.Value.Length,
            path = f.Key,
            lfs = HubRepository.IsLfs(f.Key, f.Value) ? new { oid = HubRepository.Sha256(f.Value), size = f.Value.Length, pointerSize = LfsPointer(f.Value).Length } : null,
        })
            .Concat(files.Select(f => Path.GetDirectoryName(f.Key)!).Where(d => d.Length > 0).Distinct()
                .Select(d => (object)new { type = "directory", oid = new string('0', 40), size = 0, path = d }))
            .ToArray();
        var page = entries.Skip(cursor).Take(TreePageSize).ToArray();
        if (cursor + TreePageSize < entries.Length)
        {
            context.Response.Headers.Link = $"<{HubAddress}api/models/{repository.Id}/tree/{commit}?recursive=true&cursor={cursor + TreePageSize}>; rel=\"next\"";
        }

        return Results.Json(page, JsonOptions);
    }

    private IResult Resolve(HttpContext context, HubRepository repository, string commit, string path)
    {
        if (!repository.FilesAt(commit)!.TryGetValue(path, out var content) || _gone.ContainsKey(path))
        {
            return Error(context, 404, "EntryNotFound");
        }

        if (HubRepository.IsLfs(path, content))
        {
            var sha256 = HubRepository.Sha256(content);
            context.Response.Headers["X-Linked-Etag"] = $"\"{sha256}\"";
            context.Response.Headers["X-Linked-Size"] = content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Redirect(new Uri(CdnAddress, $"lfs/{sha256}?signature=test").ToString());
        }

        context.Response.Headers.ETag = $"\"{HubRepository.GitOid(content)}\"";
        return new ServeResult(this, path, content);
    }

    private async Task ServeAsync(HttpContext context, string path, byte[] content)
    {
        if (_corrupt.TryGetValue(path, out var left) && left > 0 && _corrupt.TryUpdate(path, left - 1, left))
        {
            content = [.. content];
            content[content.Length / 2] ^= 0xFF;
        }

        var offset = 0L;
        if (RangeStart().Match(context.Request.Headers.Range.ToString()) is { Success: true } range)
        {
            offset = long.Parse(range.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (offset >= content.Length)
            {
                context.Response.StatusCode = 416;
                context.Response.Headers.ContentRange = $"bytes */{content.Length}";
                return;
            }

            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {offset}-{content.Length - 1}/{content.Length}";
        }

        var body = content.AsMemory((int)offset);
        if (_endAfter.TryRemove(path, out var end) && end > offset)
        {
            await context.Response.Body.WriteAsync(body[..(int)(end - offset)]);
            return;
        }

        context.Response.ContentLength = body.Length;
        if (_cutAfter.TryRemove(path, out var cut) && cut > offset)
        {
            var sent = (int)Math.Min(cut - offset, body.Length);
            await context.Response.Body.WriteAsync(body[..sent]);
            await context.Response.Body.FlushAsync();
            // Give the client time to read what was sent before the connection drops under it.
            await Task.Delay(500);
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(body);
    }

    private static byte[] LfsPointer(byte[] content) => System.Text.Encoding.ASCII.GetBytes(
        $"version https://git-lfs.github.com/spec/v1\noid sha256:{HubRepository.Sha256(content)}\nsize {content.Length}\n");

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    [GeneratedRegex(@"^bytes=(\d+)-$")]
    private static partial Regex RangeStart();

    /// <summary>Counts the body bytes a handler writes, so tests can add up what crossed the wire.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        private long _written;

        public long Written => Interlocked.Read(ref _written);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Interlocked.Add(ref _written, buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    private sealed class ServeResult(TestHubServer server, string path, byte[] content) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => server.ServeAsync(httpContext, path, content);
    }
}
