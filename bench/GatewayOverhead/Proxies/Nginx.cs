using System.Globalization;
using System.Reflection;

namespace GpuBench.GatewayOverhead.Proxies;

/// <summary>Starts NGINX with bench/GatewayOverhead/nginx.conf (embedded) over the given replicas.</summary>
internal static class Nginx
{
    public static string? Find(string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        return new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx" }.FirstOrDefault(File.Exists);
    }

    public static ChildProcess Start(string executable, int port, IReadOnlyList<Uri> replicas, string workers)
    {
        var prefix = Directory.CreateTempSubdirectory("gatewayoverhead-nginx-").FullName;
        using var template = Assembly.GetExecutingAssembly().GetManifestResourceStream("nginx.conf")
            ?? throw new InvalidOperationException("nginx.conf is not embedded");
        var config = new StreamReader(template).ReadToEnd()
            .Replace("{{WORKERS}}", workers, StringComparison.Ordinal)
            .Replace("{{PREFIX}}", prefix, StringComparison.Ordinal)
            .Replace("{{PORT}}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{SERVERS}}", string.Join('\n', replicas.Select(r => $"        server {r.Authority};")), StringComparison.Ordinal);
        var path = Path.Combine(prefix, "nginx.conf");
        File.WriteAllText(path, config);
        // -e: the error log from the start, before the config is read (the compiled-in path may not exist).
        return ChildProcess.Start("nginx", executable, ["-p", prefix, "-e", Path.Combine(prefix, "error.log"), "-c", path]);
    }
}
