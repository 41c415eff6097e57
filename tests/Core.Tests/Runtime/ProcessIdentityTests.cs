using System.Diagnostics;
using GpuBench.Core.Runtime;

namespace GpuBench.Core.Tests.Runtime;

public sealed class ProcessIdentityTests
{
    [Fact]
    public void A_process_of_a_host_with_the_same_name_but_another_machine_id_is_never_known_to_be_gone()
    {
        using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        gone.WaitForExit();
        var here = ProcessIdentity.Current with { ProcessId = gone.Id, StartedTicks = 1 };

        Assert.True(here.IsGoneFromThisMachine());
        // A CI runner or container named like this one: its pids mean nothing here.
        Assert.False((here with { MachineId = "0123456789abcdef0123456789abcdef:4026531836" }).IsGoneFromThisMachine());
        Assert.False((ProcessIdentity.Current with { MachineId = "0123456789abcdef0123456789abcdef:4026531836" }).IsGoneFromThisMachine());
    }

    [Fact]
    public void A_process_of_an_earlier_boot_is_gone_even_when_its_pid_and_start_look_alive()
    {
        var earlierBoot = ProcessIdentity.Current with { BootId = "00000000000000000000000000000000" };

        Assert.False(ProcessIdentity.Current.IsGoneFromThisMachine());
        Assert.True(earlierBoot.IsGoneFromThisMachine());
    }

    [Fact]
    public void The_identity_names_this_machine_and_boot_and_reads_back_from_its_line()
    {
        var current = ProcessIdentity.Current;

        Assert.Equal(current, ProcessIdentity.Parse(current.ToString()));
        Assert.DoesNotContain(ProcessIdentity.Unknown, current.BootId, StringComparison.Ordinal);
        Assert.StartsWith(File.Exists("/etc/machine-id") ? File.ReadAllText("/etc/machine-id").Trim() : ProcessIdentity.Unknown, current.MachineId, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim().Replace("-", "", StringComparison.Ordinal), current.BootId);
    }
}
