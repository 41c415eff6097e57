namespace GpuBench.Controller.Ssh;

/// <summary>Where GpuBench keeps things on a box, as absolute paths under <see cref="SshServerOptions.RemoteRoot"/>.</summary>
public sealed record RemotePaths(string Root)
{
    /// <summary>Resolves the configured root against the remote user's home directory.</summary>
    public static RemotePaths For(SshServerOptions server, string remoteHome)
    {
        ArgumentNullException.ThrowIfNull(server);
        var root = server.RemoteRoot;
        if (root.StartsWith("~/", StringComparison.Ordinal))
        {
            root = root[2..];
        }

        return new RemotePaths(root.StartsWith('/') ? root.TrimEnd('/') : $"{remoteHome.TrimEnd('/')}/{root.TrimEnd('/')}");
    }

    public string Bundles => $"{Root}/bundles";

    public string Bundle(string hash) => $"{Bundles}/{hash}";

    /// <summary>The file whose presence says a bundle arrived whole; it is written last, before the rename.</summary>
    public string BundleMarker(string hash) => $"{Bundle(hash)}/{BundleUploader.MarkerName}";

    public string Agents => $"{Root}/agents";
}
