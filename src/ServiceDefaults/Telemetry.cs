namespace GpuBench.ServiceDefaults;

/// <summary>Names of GpuBench's own activity source and meter, registered by every service.</summary>
public static class Telemetry
{
    public const string ActivitySourceName = "GpuBench";
    public const string MeterName = "GpuBench";
}
