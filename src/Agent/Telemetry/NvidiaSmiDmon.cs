using System.Globalization;

namespace GpuBench.Agent.Telemetry;

/// <summary>
/// Reads `nvidia-smi dmon` output line by line. Its columns depend on the driver and on `-s`, so they are taken
/// from the "# gpu pwr gtemp …" header rather than from positions; "-" marks a figure the GPU does not report.
/// </summary>
public sealed class NvidiaSmiDmon
{
    /// <summary>Power/temperature, utilisation, clocks, memory and PCIe throughput, once a second.</summary>
    public static readonly string[] Arguments = ["dmon", "-s", "pucmt", "-d", "1"];

    private string[]? _columns;

    /// <summary>Feeds one line; returns a sample for a data line, null for headers and blank lines.</summary>
    public GpuSample? Read(string line, DateTimeOffset at)
    {
        var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (cells.Length == 0)
        {
            return null;
        }

        if (cells[0] == "#")
        {
            // The first header line names the columns; the second gives units ("Idx W C …").
            if (cells.Length > 1 && cells[1] == "gpu")
            {
                _columns = cells[1..];
            }

            return null;
        }

        if (_columns is null || !int.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var gpu))
        {
            return null;
        }

        double? Value(string column)
        {
            var i = Array.IndexOf(_columns, column);
            return i >= 0 && i < cells.Length
                && double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : null;
        }

        return new GpuSample(at, gpu,
            UtilizationPercent: Value("sm"),
            MemoryUsedMib: Value("fb"),
            PowerWatts: Value("pwr"),
            TemperatureCelsius: Value("gtemp"),
            SmClockMhz: Value("pclk"),
            PcieRxMBps: Value("rxpci"),
            PcieTxMBps: Value("txpci"));
    }
}
