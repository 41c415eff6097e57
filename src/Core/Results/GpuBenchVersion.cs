using System.Reflection;

namespace GpuBench.Core.Results;

/// <summary>The version of this GpuBench build, as every result records it.</summary>
public static class GpuBenchVersion
{
    public static string Current { get; } =
        typeof(GpuBenchVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(GpuBenchVersion).Assembly.GetName().Version?.ToString() ?? "unknown";
}
