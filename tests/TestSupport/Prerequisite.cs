namespace GpuBench.TestSupport;

/// <summary>
/// Integration tests that need something from the machine (sshd, dockerd, chromium) call this first.
/// On a developer's machine a missing prerequisite skips the test with the reason; when
/// GPUBENCH_REQUIRE_PREREQUISITES=1 (set by .ci/run) it fails the test, so CI can never pass by skipping.
/// </summary>
public static class Prerequisite
{
    public const string RequireVariable = "GPUBENCH_REQUIRE_PREREQUISITES";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    public static void Require(bool available, string reason)
    {
        if (available)
        {
            return;
        }

        if (Required)
        {
            Assert.Fail($"Prerequisite missing ({RequireVariable}=1 turns skips into failures): {reason}");
        }

        Assert.Skip(reason);
    }

    /// <summary>True when an executable of that name is found on PATH.</summary>
    public static bool OnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, executable)));
}
