using System.Security.Cryptography;
using System.Text;

namespace GpuBench.Controller.Ssh;

/// <summary>What a known_hosts line says about its key.</summary>
public enum KnownHostMarker
{
    None,
    Revoked,
    CertificateAuthority,
}

/// <summary>One key line of a known_hosts file.</summary>
public sealed record KnownHostEntry(int LineNumber, KnownHostMarker Marker, string HostPatterns, string KeyType, byte[] KeyBlob)
{
    public string Fingerprint => HostKeyFingerprint.Of(KeyBlob);
}

/// <summary>What known_hosts says about a presented key.</summary>
public enum KnownHostStatus
{
    /// <summary>A plain line for this host holds exactly this key.</summary>
    Trusted,

    /// <summary>An <c>@revoked</c> line names this key.</summary>
    Revoked,

    /// <summary>The host is known with a key of the same type, and it is a different key.</summary>
    Changed,

    /// <summary>The host is known only with keys of other types.</summary>
    OtherTypesKnown,

    /// <summary>Only <c>@cert-authority</c> lines cover the host; host certificates are not verified here.</summary>
    CertificateAuthorityOnly,

    Unknown,
}

/// <summary>The outcome of a lookup, with the lines that decided it.</summary>
public sealed record KnownHostsLookup(KnownHostStatus Status, IReadOnlyList<KnownHostEntry> Entries);

/// <summary>
/// An OpenSSH known_hosts file: plain and hashed (<c>|1|salt|hash</c>) host names, <c>[host]:port</c>, wildcard and
/// negated patterns, and the <c>@revoked</c> / <c>@cert-authority</c> markers.
/// </summary>
public sealed class KnownHosts
{
    private readonly List<KnownHostEntry> _entries;

    private KnownHosts(List<KnownHostEntry> entries) => _entries = entries;

    public IReadOnlyList<KnownHostEntry> Entries => _entries;

    /// <summary>Reads a known_hosts file; a missing file knows no host.</summary>
    public static KnownHosts Load(string path) =>
        File.Exists(path) ? Parse(File.ReadAllText(path)) : new KnownHosts([]);

    /// <summary>Parses known_hosts text. Lines that cannot be understood are skipped, as OpenSSH does.</summary>
    public static KnownHosts Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<KnownHostEntry>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (TryParseLine(lines[i], i + 1, out var entry))
            {
                entries.Add(entry);
            }
        }

        return new KnownHosts(entries);
    }

    /// <summary>Looks a presented key up for a host name as known_hosts writes it (see <see cref="SshServerOptions.KnownHostsName"/>).</summary>
    public KnownHostsLookup Lookup(string hostName, string keyType, ReadOnlySpan<byte> keyBlob)
    {
        var forHost = _entries.Where(e => HostMatches(e.HostPatterns, hostName)).ToList();
        var blob = keyBlob.ToArray();

        var revoked = forHost.Where(e => e.Marker == KnownHostMarker.Revoked && e.KeyBlob.AsSpan().SequenceEqual(blob)).ToList();
        if (revoked.Count > 0)
        {
            return new KnownHostsLookup(KnownHostStatus.Revoked, revoked);
        }

        var plain = forHost.Where(e => e.Marker == KnownHostMarker.None).ToList();
        var same = plain.Where(e => e.KeyBlob.AsSpan().SequenceEqual(blob)).ToList();
        if (same.Count > 0)
        {
            return new KnownHostsLookup(KnownHostStatus.Trusted, same);
        }

        var sameType = plain.Where(e => e.KeyType == keyType).ToList();
        if (sameType.Count > 0)
        {
            return new KnownHostsLookup(KnownHostStatus.Changed, sameType);
        }

        if (plain.Count > 0)
        {
            return new KnownHostsLookup(KnownHostStatus.OtherTypesKnown, plain);
        }

        var authorities = forHost.Where(e => e.Marker == KnownHostMarker.CertificateAuthority).ToList();
        return authorities.Count > 0
            ? new KnownHostsLookup(KnownHostStatus.CertificateAuthorityOnly, authorities)
            : new KnownHostsLookup(KnownHostStatus.Unknown, []);
    }

    /// <summary>The key types a plain line records for this host, so the client can ask the server for one of them.</summary>
    public IReadOnlySet<string> KeyTypesFor(string hostName) =>
        _entries.Where(e => e.Marker == KnownHostMarker.None && HostMatches(e.HostPatterns, hostName))
            .Select(e => e.KeyType)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The key type a public key blob names in its first field (<c>ssh-ed25519</c>, <c>ssh-rsa</c>, ...).</summary>
    public static string KeyTypeOf(ReadOnlySpan<byte> keyBlob)
    {
        if (keyBlob.Length < 4)
        {
            throw new FormatException("A public key blob is shorter than its type field.");
        }

        var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(keyBlob);
        if (length > keyBlob.Length - 4)
        {
            throw new FormatException("A public key blob's type field runs past its end.");
        }

        return Encoding.ASCII.GetString(keyBlob.Slice(4, (int)length));
    }

    /// <summary>
    /// Adds a line to a known_hosts file atomically: the new content goes to a temporary file in the same directory,
    /// then replaces the old one, under an exclusive lock so parallel connections never lose each other's lines.
    /// </summary>
    public static void AppendAtomically(string path, string line)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(line);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else if (!Directory.Exists(directory))
        {
            // ~/.ssh is created the way ssh creates it: private to its owner.
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using var fileLock = AcquireLock(path + ".lock");
        var existing = File.Exists(path) ? File.ReadAllText(path) : "";
        var separator = existing.Length == 0 || existing.EndsWith('\n') ? "" : "\n";
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = File.Exists(path)
                    ? File.GetUnixFileMode(path)
                    : UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(existing + separator + line + "\n"));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static FileStream AcquireLock(string lockPath)
    {
        // FileShare.None takes an flock on Unix, so this excludes other threads and other GpuBench processes alike.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 200)
            {
                Thread.Sleep(25);
            }
        }
    }

    /// <summary>The line recording a key for a host, in the plain form <c>ssh-keyscan</c> prints.</summary>
    public static string FormatLine(string hostName, string keyType, ReadOnlySpan<byte> keyBlob) =>
        $"{hostName} {keyType} {Convert.ToBase64String(keyBlob)}";

    /// <summary>
    /// Whether a comma-separated pattern list matches the name: a hashed entry matches its exact name; any matching
    /// negated pattern (<c>!pattern</c>) excludes the line, as in OpenSSH's match_hostname.
    /// </summary>
    public static bool HostMatches(string patterns, string hostName)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentNullException.ThrowIfNull(hostName);
        if (patterns.StartsWith("|1|", StringComparison.Ordinal))
        {
            // Host names are case-insensitive and OpenSSH hashes them lowercased; a hash of the name as typed still counts.
            return HashedMatches(patterns, hostName.ToLowerInvariant()) || HashedMatches(patterns, hostName);
        }

        var name = hostName.ToLowerInvariant();
        var matched = false;
        foreach (var raw in patterns.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var negated = raw.StartsWith('!');
            var pattern = (negated ? raw[1..] : raw).ToLowerInvariant();
            if (Wildcard(pattern, name))
            {
                if (negated)
                {
                    return false;
                }

                matched = true;
            }
        }

        return matched;
    }

    private static bool HashedMatches(string hashed, string hostName)
    {
        var parts = hashed.Split('|');
        if (parts.Length != 4)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
            var actual = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(hostName));
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>OpenSSH glob: <c>*</c> any run of characters, <c>?</c> exactly one.</summary>
    private static bool Wildcard(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool TryParseLine(string line, int lineNumber, out KnownHostEntry entry)
    {
        entry = null!;
        var fields = line.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || fields[0].StartsWith('#'))
        {
            return false;
        }

        var marker = KnownHostMarker.None;
        if (fields[0].StartsWith('@'))
        {
            marker = fields[0] switch
            {
                "@revoked" => KnownHostMarker.Revoked,
                "@cert-authority" => KnownHostMarker.CertificateAuthority,
                _ => (KnownHostMarker)(-1),
            };
            fields = fields[1..];
        }

        if (!Enum.IsDefined(marker) || fields.Length < 3)
        {
            return false;
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(fields[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        entry = new KnownHostEntry(lineNumber, marker, fields[0], fields[1], blob);
        return true;
    }
}
