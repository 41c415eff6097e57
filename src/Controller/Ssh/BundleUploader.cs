using Renci.SshNet;

namespace GpuBench.Controller.Ssh;

/// <summary>Where a bundle lives on a box, and whether this call had to upload it.</summary>
public sealed record RemoteBundle(string Path, string Hash, bool Uploaded);

/// <summary>
/// Puts an <see cref="AgentBundle"/> on a box over SFTP, only when that content is not there yet: the bundle goes
/// to a temporary directory, gets its marker file last and is renamed to <c>bundles/&lt;hash&gt;</c>, so a box never
/// sees half a bundle under its final name, whatever interrupts the upload.
/// </summary>
public sealed class BundleUploader(SshConnector connector, ILogger<BundleUploader> logger)
{
    public const string MarkerName = ".gpubench-bundle";

    private const int ParallelUploads = 8;

    public async Task<RemoteBundle> EnsureUploadedAsync(
        SshServerOptions server, AgentBundle bundle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(bundle);
        using var sftp = await connector.ConnectSftpAsync(server, cancellationToken).ConfigureAwait(false);
        var paths = RemotePaths.For(server, sftp.WorkingDirectory);
        var target = paths.Bundle(bundle.Hash);
        if (await sftp.ExistsAsync(paths.BundleMarker(bundle.Hash), cancellationToken).ConfigureAwait(false))
        {
            logger.LogInformation("Bundle {Hash} is already on {Server}, not uploading it", bundle.Hash, server.Display);
            return new RemoteBundle(target, bundle.Hash, Uploaded: false);
        }

        await CreateDirectoriesAsync(sftp, paths.Bundles, cancellationToken).ConfigureAwait(false);
        var temp = $"{paths.Bundles}/.upload-{bundle.Hash}-{Guid.NewGuid():N}";
        try
        {
            await UploadAsync(sftp, bundle, temp, cancellationToken).ConfigureAwait(false);
            if (await sftp.ExistsAsync(target, cancellationToken).ConfigureAwait(false))
            {
                // Renames are atomic, so an unmarked directory under the final name was not made by an upload:
                // replace it rather than trust it.
                await DeleteRecursiveAsync(sftp, target, cancellationToken).ConfigureAwait(false);
            }

            await sftp.RenameFileAsync(temp, target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Renci.SshNet.Common.SshException)
        {
            // Another controller may have uploaded the same content at the same time and won the rename.
            if (!await ArrivedMeanwhileAsync(sftp, paths, bundle).ConfigureAwait(false))
            {
                throw;
            }

            return new RemoteBundle(target, bundle.Hash, Uploaded: false);
        }
        finally
        {
            await DeleteQuietlyAsync(sftp, temp).ConfigureAwait(false);
        }

        logger.LogInformation(
            "Uploaded bundle {Hash} ({Files} files, {Bytes} bytes) to {Server}:{Path}",
            bundle.Hash, bundle.Files.Count, bundle.Files.Sum(f => f.Length), server.Display, target);
        return new RemoteBundle(target, bundle.Hash, Uploaded: true);
    }

    private static async Task UploadAsync(SftpClient sftp, AgentBundle bundle, string temp, CancellationToken cancellationToken)
    {
        await sftp.CreateDirectoryAsync(temp, cancellationToken).ConfigureAwait(false);
        var created = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in bundle.Files)
        {
            var slash = file.RelativePath.LastIndexOf('/');
            if (slash > 0)
            {
                await CreateDirectoriesAsync(sftp, temp, file.RelativePath[..slash], created, cancellationToken).ConfigureAwait(false);
            }
        }

        // A publish is hundreds of files, each costing several round trips (open, write, close, chmod); over a
        // long-distance link those round trips, not bandwidth, dominate, so several files are in flight at once.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ParallelUploads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(bundle.Files, parallel, async (file, token) =>
        {
            var remote = $"{temp}/{file.RelativePath}";
            var local = File.OpenRead(file.FullPath);
            await using (local.ConfigureAwait(false))
            {
                await sftp.UploadFileAsync(local, remote, token).ConfigureAwait(false);
            }

            // SFTP does not carry modes; SSH.NET reads the digits of this number as octal.
            sftp.ChangePermissions(remote, file.Executable ? (short)755 : (short)644);
        }).ConfigureAwait(false);

        await using var marker = await sftp.OpenAsync(
            $"{temp}/{MarkerName}", FileMode.CreateNew, FileAccess.Write, cancellationToken).ConfigureAwait(false);
        await marker.WriteAsync(System.Text.Encoding.ASCII.GetBytes(bundle.Hash + "\n"), cancellationToken).ConfigureAwait(false);
    }

    private static async Task CreateDirectoriesAsync(SftpClient sftp, string absolute, CancellationToken cancellationToken)
    {
        var path = "";
        foreach (var part in absolute.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + part;
            if (!await sftp.ExistsAsync(path, cancellationToken).ConfigureAwait(false))
            {
                await sftp.CreateDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task CreateDirectoriesAsync(
        SftpClient sftp, string root, string relative, HashSet<string> created, CancellationToken cancellationToken)
    {
        var path = "";
        foreach (var part in relative.Split('/'))
        {
            path = path.Length == 0 ? part : $"{path}/{part}";
            if (created.Add(path))
            {
                await sftp.CreateDirectoryAsync($"{root}/{path}", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<bool> ArrivedMeanwhileAsync(SftpClient sftp, RemotePaths paths, AgentBundle bundle)
    {
        try
        {
            return sftp.IsConnected &&
                   await sftp.ExistsAsync(paths.BundleMarker(bundle.Hash), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Renci.SshNet.Common.SshException or IOException)
        {
            return false;
        }
    }

    private async Task DeleteQuietlyAsync(SftpClient sftp, string path)
    {
        try
        {
            if (sftp.IsConnected && await sftp.ExistsAsync(path, CancellationToken.None).ConfigureAwait(false))
            {
                await DeleteRecursiveAsync(sftp, path, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is Renci.SshNet.Common.SshException or IOException)
        {
            logger.LogWarning(ex, "Could not remove the partial upload {Path}", path);
        }
    }

    private static async Task DeleteRecursiveAsync(SftpClient sftp, string path, CancellationToken cancellationToken)
    {
        await foreach (var entry in sftp.ListDirectoryAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Name is "." or "..")
            {
                continue;
            }

            if (entry.IsDirectory && !entry.IsSymbolicLink)
            {
                await DeleteRecursiveAsync(sftp, entry.FullName, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await sftp.DeleteFileAsync(entry.FullName, cancellationToken).ConfigureAwait(false);
            }
        }

        await sftp.DeleteDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
    }
}
