using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GpuBench.Agent.Hosting;
using Microsoft.Extensions.Options;

namespace GpuBench.Agent.Datasets;

/// <summary>
/// Dataset files the controller shipped, one per content hash under <c>&lt;data&gt;/datasets/&lt;sha256&gt;</c>, kept
/// across runs and agent restarts so a file is shipped once, never per run. A file is written to a temporary name,
/// its hash checked, and renamed into place: a box never holds half a file under a hash.
/// </summary>
public sealed partial class DatasetStore(IOptions<AgentOptions> options, ILogger<DatasetStore> logger)
{
    public string Directory => Path.Combine(options.Value.DataDirectory, "datasets");

    public static bool IsHash(string sha256) => HashPattern().IsMatch(sha256);

    /// <summary>The stored file of that hash, or null when it was never shipped here.</summary>
    public string? Find(string sha256) => IsHash(sha256) && File.Exists(PathOf(sha256)) ? PathOf(sha256) : null;

    /// <summary>Stores the content; false (nothing kept) when it does not hash to <paramref name="sha256"/>.</summary>
    public async Task<bool> SaveAsync(string sha256, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = Path.Combine(Directory, $".upload-{sha256}-{Guid.NewGuid():N}");
        try
        {
            string actual;
            long bytes;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                bytes = file.Length;
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (!string.Equals(actual, sha256, StringComparison.Ordinal))
            {
                logger.LogWarning("Refused dataset {Sha256}: the content hashes to {Actual}", sha256, actual);
                return false;
            }

            File.Move(temporary, PathOf(sha256), overwrite: true);
            logger.LogInformation("Stored dataset {Sha256} ({Bytes} bytes)", sha256, bytes);
            return true;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private string PathOf(string sha256) => Path.Combine(Directory, sha256);

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex HashPattern();
}
