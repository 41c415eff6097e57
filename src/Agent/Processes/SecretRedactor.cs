namespace GpuBench.Agent.Processes;

/// <summary>Replaces secret values in text bound for a log or a result; an engine that prints its token leaks nothing.</summary>
public sealed class SecretRedactor(IEnumerable<string> secrets)
{
    public const string Mask = "<redacted>";

    // Very short values would mask ordinary words; no real token is that short.
    private readonly string[] _secrets = [.. secrets.Where(s => s.Length >= 4).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
