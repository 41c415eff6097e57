using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace GpuBench.ServiceDefaults.Tests;

public sealed class TraceSamplingTests
{
    private static Sampler From(params (string Key, string Value)[] settings) =>
        TraceSampling.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    private static SamplingDecision Decide(Sampler sampler, ActivityContext parent, ActivityTraceId traceId) =>
        sampler.ShouldSample(new SamplingParameters(parent, traceId, "span", ActivityKind.Client)).Decision;

    private static ActivityContext RemoteParent(bool sampled) =>
        new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None, isRemote: true);

    [Fact]
    public void Downstream_services_follow_the_roots_decision_whatever_their_own_ratio()
    {
        var keepNothing = From((TraceSampling.SamplerVariable, TraceSampling.ParentBasedRatio), (TraceSampling.ArgumentVariable, "0"));
        var keepAll = From((TraceSampling.SamplerVariable, TraceSampling.ParentBasedRatio), (TraceSampling.ArgumentVariable, "1"));

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(keepNothing, RemoteParent(sampled: true), ActivityTraceId.CreateRandom()));
        Assert.Equal(SamplingDecision.Drop, Decide(keepAll, RemoteParent(sampled: false), ActivityTraceId.CreateRandom()));
        Assert.Equal(SamplingDecision.Drop, Decide(keepNothing, default, ActivityTraceId.CreateRandom()));
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(keepAll, default, ActivityTraceId.CreateRandom()));
    }

    [Fact]
    public void Roots_are_kept_at_the_configured_ratio_and_at_a_tenth_by_default()
    {
        static double Kept(Sampler sampler) =>
            Enumerable.Range(0, 20_000).Count(_ => Decide(sampler, default, ActivityTraceId.CreateRandom()) == SamplingDecision.RecordAndSample) / 20_000.0;

        // 20,000 roots: the standard error of a kept share near 0.1–0.25 is under 0.004.
        Assert.InRange(Kept(From()), 0.085, 0.115);
        Assert.InRange(Kept(From((TraceSampling.ArgumentVariable, "0.25"))), 0.23, 0.27);
    }

    [Fact]
    public void The_environment_for_a_ratio_selects_the_parent_based_ratio_sampler()
    {
        var environment = TraceSampling.Environment(0.5);

        Assert.Equal(TraceSampling.ParentBasedRatio, environment[TraceSampling.SamplerVariable]);
        Assert.Equal("0.5", environment[TraceSampling.ArgumentVariable]);
        Assert.Equal("ParentBased{TraceIdRatioBasedSampler{0.500000}}", From([.. environment.Select(e => (e.Key, e.Value))]).Description);
    }

    [Theory]
    [InlineData("parentbased_traceidratio", "1.5", "OTEL_TRACES_SAMPLER_ARG=1.5 is not a ratio in [0, 1].")]
    [InlineData("parentbased_traceidratio", "a tenth", "OTEL_TRACES_SAMPLER_ARG=a tenth is not a ratio in [0, 1].")]
    [InlineData("jaeger_remote", "", "OTEL_TRACES_SAMPLER=jaeger_remote is not a sampler GpuBench knows")]
    public void A_misconfigured_sampler_is_an_error_not_a_silent_default(string sampler, string argument, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            From((TraceSampling.SamplerVariable, sampler), (TraceSampling.ArgumentVariable, argument)));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
