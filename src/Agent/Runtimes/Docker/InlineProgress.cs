namespace GpuBench.Agent.Runtimes.Docker;

/// <summary>Runs each report at once, in order (Progress&lt;T&gt; would post them to the thread pool, possibly after the call returned).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
