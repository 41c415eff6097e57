namespace GpuBench.Gateway.Configuration;

/// <summary>Parses and checks replica base addresses, for the configuration at start and for the admin API alike.</summary>
public static class ReplicaAddresses
{
    /// <summary>Returns the addresses as absolute URIs, or an error naming the first bad entry.</summary>
    public static bool TryParse(IReadOnlyList<string> addresses, out Uri[] replicas, out string? error)
    {
        replicas = new Uri[addresses.Count];
        error = null;
        var seen = new HashSet<Uri>();
        for (var i = 0; i < addresses.Count; i++)
        {
            var text = addresses[i];
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            {
                error = $"replica {i} '{text}' is not an absolute http(s) address such as http://127.0.0.1:8001";
                return false;
            }

            if (!seen.Add(uri))
            {
                error = $"replica {i} '{text}' is listed twice";
                return false;
            }

            replicas[i] = uri;
        }

        return true;
    }
}
