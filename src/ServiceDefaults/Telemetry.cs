namespace GpuBench.ServiceDefaults;

/// <summary>Names of GpuBench's activity sources and meters, registered by every service.</summary>
public static class Telemetry
{
    public const string ActivitySourceName = "GpuBench";
    public const string MeterName = "GpuBench";

    /// <summary>
    /// Every GpuBench source and meter (GpuBench.LoadGen, GpuBench.Simulator, GpuBench.Gateway, GpuBench.Agent, …):
    /// whichever process hosts a component exports it without wiring it by name.
    /// </summary>
    public const string AllGpuBench = "GpuBench.*";

    /// <summary>YARP's forwarder activities, the gateway's part of each request's trace.</summary>
    public const string YarpActivitySourceName = "Yarp.ReverseProxy";
}
