namespace GpuBench.Controller.Ssh;

/// <summary>.NET runtime ids of the boxes a bundle can run on, and the one a box is, from its `uname -sm`.</summary>
public static class RuntimeIds
{
    /// <summary>The runtime ids `gpubench bundle` builds: Linux on x86-64 and on 64-bit Arm (e.g. Grace Hopper).</summary>
    public static IReadOnlyList<string> Supported { get; } = ["linux-x64", "linux-arm64"];

    /// <summary>The runtime id of a box from `uname -sm` ("Linux x86_64"); null for one no bundle is built for.</summary>
    public static string? FromUname(string unameSm)
    {
        ArgumentNullException.ThrowIfNull(unameSm);
        var parts = unameSm.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || parts[0] != "Linux")
        {
            return null;
        }

        return parts[1] switch
        {
            "x86_64" or "amd64" => "linux-x64",
            "aarch64" or "arm64" => "linux-arm64",
            _ => null,
        };
    }

    /// <summary>The runtime id of this machine when a bundle is built for it (e.g. linux-x64); null otherwise.</summary>
    public static string? ThisMachine =>
        Supported.Contains(System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier)
            ? System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier
            : null;

    /// <summary><paramref name="runtimeId"/> when supported; otherwise an error listing the supported ones.</summary>
    public static string Checked(string runtimeId) =>
        Supported.Contains(runtimeId)
            ? runtimeId
            : throw new ArgumentException($"Runtime id '{runtimeId}' is not one a bundle is built for ({string.Join(", ", Supported)}).", nameof(runtimeId));
}
