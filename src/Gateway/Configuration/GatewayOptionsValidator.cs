using System.Net;
using GpuBench.Gateway.LoadBalancing;
using Microsoft.Extensions.Options;

namespace GpuBench.Gateway.Configuration;

/// <summary>Checks the settings at start; each message names the setting to change.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        if (!ReplicaAddresses.TryParse(options.Replicas, out _, out var replicaError))
        {
            errors.Add($"Gateway:Replicas: {replicaError}");
        }

        if (!BalancingPolicies.IsKnown(options.Policy))
        {
            errors.Add($"Gateway:Policy: '{options.Policy}' is not one of {string.Join(", ", BalancingPolicies.Names)}");
        }

        if (!IPAddress.TryParse(options.Address, out _))
        {
            errors.Add($"Gateway:Address: '{options.Address}' is not an IP address (use 127.0.0.1 or 0.0.0.0)");
        }

        AddIfNotPositive(errors, "Gateway:ActivityTimeout", options.ActivityTimeout);
        AddIfNotPositive(errors, "Gateway:HealthCheck:Interval", options.HealthCheck.Interval);
        AddIfNotPositive(errors, "Gateway:HealthCheck:Timeout", options.HealthCheck.Timeout);
        AddIfNotPositive(errors, "Gateway:HealthCheck:ReactivationPeriod", options.HealthCheck.ReactivationPeriod);
        AddIfNotPositive(errors, "Gateway:QueueAware:ScrapeInterval", options.QueueAware.ScrapeInterval);
        AddIfNotPositive(errors, "Gateway:QueueAware:ScrapeTimeout", options.QueueAware.ScrapeTimeout);
        AddIfNotPositive(errors, "Gateway:QueueAware:MaxAge", options.QueueAware.MaxAge);
        if (!options.QueueAware.MetricsPath.StartsWith('/'))
        {
            errors.Add($"Gateway:QueueAware:MetricsPath: '{options.QueueAware.MetricsPath}' must start with '/'");
        }

        if (!options.HealthCheck.Path.StartsWith('/'))
        {
            errors.Add($"Gateway:HealthCheck:Path: '{options.HealthCheck.Path}' must start with '/'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void AddIfNotPositive(List<string> errors, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{setting}: must be a positive duration such as 00:30:00, not {value}");
        }
    }
}
