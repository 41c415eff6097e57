using System.Text.Json;
using System.Text.Json.Serialization;

namespace GpuBench.Core.Contracts;

/// <summary>
/// How the agent API's records travel as JSON, on both ends: web defaults (camelCase), enums as strings, and
/// "Infinity" allowed, since a workload's request rate is +∞ when every request is released at once.
/// </summary>
public static class ContractJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the contract settings to options someone else owns (e.g. ASP.NET Core's).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.NumberHandling |= JsonNumberHandling.AllowNamedFloatingPointLiterals;
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}
