using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GpuBench.Provisioning.Bench;

/// <summary>
/// A Hub on loopback serving one model of large LFS files without holding them: each file is a 1 MiB random
/// block repeated, so any size costs 1 MiB of memory and its sha256 is still real.
/// </summary>
internal sealed class SyntheticHub : IAsyncDisposable
{
    public const string ModelId = "bench/model";
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private const int BlockSize = 1 << 20;

    private readonly WebApplication _app;
    private readonly (string Path, byte[] Block, long Size, string Sha256)[] _files;

    private SyntheticHub(WebApplication app, (string, byte[], long, string)[] files)
    {
        _app = app;
        _files = files;
    }

    public Uri Address => new(_app.Urls.First());

    public static async Task<SyntheticHub> StartAsync(int files, long fileBytes, CancellationToken cancellationToken)
    {
        var content = await Task.WhenAll(Enumerable.Range(1, files).Select(i => Task.Run(() =>
        {
            var block = new byte[BlockSize];
            new Random(i).NextBytes(block);
            var path = $"model-{i:D5}-of-{files:D5}.safetensors";
            return (path, block, fileBytes, Sha256(block, fileBytes));
        }, cancellationToken)));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var hub = new SyntheticHub(builder.Build(), content);
        hub.Map();
        await hub._app.StartAsync(cancellationToken);
        return hub;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private void Map()
    {
        _app.MapGet($"/api/models/{ModelId}/revision/{{revision}}", () => Results.Json(new { sha = Commit }));
        _app.MapGet($"/api/models/{ModelId}/tree/{Commit}", () => Results.Json(_files.Select(f => new
        {
            type = "file",
            oid = Convert.ToHexStringLower(SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(f.Path))),
            size = f.Size,
            path = f.Path,
            lfs = new { oid = f.Sha256, size = f.Size },
        })));
        _app.MapGet($"/{ModelId}/resolve/{Commit}/{{path}}", (HttpContext context, string path) => ServeAsync(context, path));
    }

    private async Task ServeAsync(HttpContext context, string path)
    {
        var file = _files.Single(f => f.Path == path);
        var offset = context.Request.Headers.Range.ToString() is { Length: > 0 } range ? long.Parse(range[6..^1], System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (offset > 0)
        {
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {offset}-{file.Size - 1}/{file.Size}";
        }

        context.Response.ContentLength = file.Size - offset;
        for (var position = offset; position < file.Size;)
        {
            var start = (int)(position % BlockSize);
            var length = (int)Math.Min(BlockSize - start, file.Size - position);
            await context.Response.Body.WriteAsync(file.Block.AsMemory(start, length), context.RequestAborted);
            position += length;
        }
    }

    private static string Sha256(byte[] block, long size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var position = 0L; position < size; position += BlockSize)
        {
            hash.AppendData(block, 0, (int)Math.Min(BlockSize, size - position));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
