using GpuBench.Core.Runtime;

namespace GpuBench.Core.Tests.Runtime;

public class InlineSocketCompletionsTests
{
    [Fact]
    public void Enable_sets_the_variable_unless_the_user_chose_a_value()
    {
        var original = Environment.GetEnvironmentVariable(InlineSocketCompletions.Variable);
        try
        {
            Environment.SetEnvironmentVariable(InlineSocketCompletions.Variable, null);
            Assert.True(InlineSocketCompletions.Enable());
            Assert.Equal("1", Environment.GetEnvironmentVariable(InlineSocketCompletions.Variable));

            Environment.SetEnvironmentVariable(InlineSocketCompletions.Variable, "0");
            Assert.False(InlineSocketCompletions.Enable());
            Assert.Equal("0", Environment.GetEnvironmentVariable(InlineSocketCompletions.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(InlineSocketCompletions.Variable, original);
        }
    }
}
