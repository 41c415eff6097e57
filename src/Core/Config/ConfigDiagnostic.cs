namespace GpuBench.Core.Config;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One problem found in config.yml, located by file, line and column (1-based) and by key path
/// (e.g. <c>servers[1].gpu.count</c>). Prints as <c>config.yml:14:7: servers[1].gpu.count: expected …</c>.
/// </summary>
public sealed record ConfigDiagnostic(DiagnosticSeverity Severity, string File, int Line, int Column, string Path, string Message)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public override string ToString()
    {
        var severity = IsError ? "" : "warning: ";
        var path = Path.Length == 0 ? "" : $"{Path}: ";
        return $"{File}:{Line}:{Column}: {severity}{path}{Message}";
    }
}
