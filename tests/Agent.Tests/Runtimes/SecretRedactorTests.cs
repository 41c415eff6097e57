using GpuBench.Agent.Processes;

namespace GpuBench.Agent.Tests.Runtimes;

public class SecretRedactorTests
{
    [Fact]
    public void Every_occurrence_of_every_secret_is_masked()
    {
        var redactor = new SecretRedactor(["hf_abcdef123", "admin-token-77"]);

        var text = redactor.Redact("HF_TOKEN=hf_abcdef123 again hf_abcdef123, admin admin-token-77.");

        Assert.Equal("HF_TOKEN=<redacted> again <redacted>, admin <redacted>.", text);
    }

    [Fact]
    public void Empty_and_tiny_values_are_not_treated_as_secrets()
    {
        Assert.Equal("a b c", new SecretRedactor(["", "a"]).Redact("a b c"));
    }
}
