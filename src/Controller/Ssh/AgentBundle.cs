using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace GpuBench.Controller.Ssh;

/// <summary>One file of a bundle: its path inside the bundle (always with '/') and whether it is executable.</summary>
public sealed record BundleFile(string RelativePath, string FullPath, long Length, bool Executable);

/// <summary>
/// The directory shipped to every box (self-contained publishes of agent, gateway and simulator) and its content
/// hash, which names it on the box so an unchanged bundle is never uploaded twice.
/// </summary>
public sealed record AgentBundle(string Directory, string Hash, IReadOnlyList<BundleFile> Files)
{
    /// <summary>
    /// Lists and hashes a bundle directory. The hash is SHA-256 over the files in ordinal order of their relative
    /// paths, each framed as path, NUL, executable flag, length and content, so that renaming a file, moving bytes
    /// between files or losing an executable bit all change it.
    /// </summary>
    public static async Task<AgentBundle> LoadAsync(string directory, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The agent bundle directory {root} does not exist.");
        }

        var files = System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(path => new FileInfo(path))
            .Select(info => new BundleFile(
                Path.GetRelativePath(root, info.FullName).Replace(Path.DirectorySeparatorChar, '/'),
                info.FullName,
                info.Length,
                IsExecutable(info)))
            .OrderBy(f => f.RelativePath, StringComparer.Ordinal)
            .ToList();

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = new byte[9];
        var buffer = new byte[1 << 16];
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file.RelativePath));
            header[0] = 0;
            hash.AppendData(header.AsSpan(0, 1));
            header[0] = file.Executable ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(1), file.Length);
            hash.AppendData(header);
            var stream = File.OpenRead(file.FullPath);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer.AsSpan(0, read));
                }
            }
        }

        return new AgentBundle(root, Convert.ToHexStringLower(hash.GetHashAndReset()), files);
    }

    private static bool IsExecutable(FileInfo file) =>
        !OperatingSystem.IsWindows() && (file.UnixFileMode & UnixFileMode.UserExecute) != 0;
}
