using System.Diagnostics;
using GpuBench.Simulation.Engine;
using GpuBench.Simulator.Serving;

namespace GpuBench.Simulator.Tracing;

/// <summary>
/// The `llm_request` span vLLM emits per request (vllm/tracing.py SpanAttributes), child of the caller's
/// traceparent, with the same gen_ai attributes: queue, prefill and decode times, token counts.
/// </summary>
public static class RequestTracing
{
    public const string SourceName = "GpuBench.Simulator";

    private static readonly ActivitySource Source = new(SourceName);

    public static Activity? Start(HttpContext context, string requestId)
    {
        var headers = context.Request.Headers;
        ActivityContext.TryParse(headers.TraceParent.ToString(), headers.TraceState.ToString(), isRemote: true, out var parent);
        var activity = Source.StartActivity("llm_request", ActivityKind.Server, parent);
        activity?.SetTag("gen_ai.request.id", requestId);
        return activity;
    }

    public static void Finish(Activity? activity, ServedModel model, RealTimeEngine engine, EngineRequest request)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStartTime(engine.ToWallClock(request.ArrivalTime).UtcDateTime);
        activity.SetTag("gen_ai.response.model", model.Name);
        activity.SetTag("gen_ai.request.max_tokens", request.MaxTokens);
        activity.SetTag("gen_ai.request.n", 1);
        activity.SetTag("gen_ai.usage.num_sequences", 1);
        activity.SetTag("gen_ai.usage.prompt_tokens", request.PromptTokens);
        activity.SetTag("gen_ai.usage.completion_tokens", request.OutputTokens);
        activity.SetTag("gen_ai.latency.time_in_queue", request.FirstScheduledTime - request.ArrivalTime);
        activity.SetTag("gen_ai.latency.time_to_first_token", request.FirstTokenTime - request.ArrivalTime);
        activity.SetTag("gen_ai.latency.e2e", request.LastTokenTime - request.ArrivalTime);
        activity.SetTag("gen_ai.latency.time_in_scheduler", request.FirstScheduledTime - request.ArrivalTime);
        activity.SetTag("gen_ai.latency.time_in_model_prefill", request.FirstTokenTime - request.FirstScheduledTime);
        activity.SetTag("gen_ai.latency.time_in_model_decode", request.LastTokenTime - request.FirstTokenTime);
        activity.SetTag("gen_ai.latency.time_in_model_inference", request.LastTokenTime - request.FirstScheduledTime);
        activity.SetTag("gpubench.simulated", true);
        activity.SetTag("gpubench.preemptions", request.Preemptions);
        if (request.FinishReason == FinishReason.Aborted)
        {
            activity.SetStatus(ActivityStatusCode.Error, "aborted by the client");
        }

        activity.SetEndTime(engine.ToWallClock(double.IsNaN(request.LastTokenTime) ? engine.Now : request.LastTokenTime).UtcDateTime);
        activity.Stop();
    }
}
