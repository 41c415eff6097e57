using System.Globalization;

namespace GpuBench.GatewayOverhead.Proxies;

/// <summary>CPU time of a process and its children (NGINX's workers), and of the whole machine, from /proc.</summary>
internal static class ProcessCpu
{
    // USER_HZ: the unit of /proc times; 100 on every Linux build this runs on.
    private const double TicksPerSecond = 100;

    /// <summary>User + system CPU seconds of the process and of its direct children.</summary>
    public static double Seconds(int pid)
    {
        long ticks = Ticks(pid);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var child) && child != pid && ParentOf(child) == pid)
            {
                ticks += Ticks(child);
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>Busy and total CPU seconds of the machine, summed over cores.</summary>
    public static (double Busy, double Total) Machine()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        var total = fields.Take(8).Sum();
        return ((total - idle) / TicksPerSecond, total / TicksPerSecond);
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces; the fields after its closing parenthesis do not.
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long Ticks(int pid) => Stat(pid) is { } f
        ? long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)
        : 0;

    private static int ParentOf(int pid) => Stat(pid) is { } f ? int.Parse(f[1], CultureInfo.InvariantCulture) : -1;
}
