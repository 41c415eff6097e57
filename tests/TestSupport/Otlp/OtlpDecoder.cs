using System.Text;

namespace GpuBench.TestSupport.Otlp;

/// <summary>One received span: the service that sent it, its instrumentation scope, ids (hex) and name.</summary>
public sealed record ReceivedSpan(string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name);

/// <summary>One received metric: the service that sent it, its meter and its name.</summary>
public sealed record ReceivedMetric(string Service, string Scope, string Name);

/// <summary>
/// Decodes the fields the tests need of OTLP's ExportTraceServiceRequest, ExportMetricsServiceRequest and
/// ExportLogsServiceRequest (opentelemetry/proto/collector/*/v1). All three nest the same way: resource_* (1) →
/// resource (1) → attributes (1), and resource_* (1) → scope_* (2) → scope (1, name 1) and spans/metrics/log records (2).
/// </summary>
internal static class OtlpDecoder
{
    public static IReadOnlyList<ReceivedSpan> DecodeTraces(ReadOnlySpan<byte> request)
    {
        var spans = new List<ReceivedSpan>();
        Walk(request, (service, scope, item) => spans.Add(DecodeSpan(service, scope, item)));
        return spans;
    }

    public static IReadOnlyList<ReceivedMetric> DecodeMetrics(ReadOnlySpan<byte> request)
    {
        var metrics = new List<ReceivedMetric>();
        Walk(request, (service, scope, item) => metrics.Add(new ReceivedMetric(service, scope, NameOf(item, nameField: 1))));
        return metrics;
    }

    /// <summary>The service name of every resource in a request of any signal, whether or not it holds any item.</summary>
    public static IReadOnlyList<string> DecodeServices(ReadOnlySpan<byte> request)
    {
        var services = new List<string>();
        Walk(request, (_, _, _) => { }, services.Add);
        return services;
    }

    private delegate void ItemHandler(string service, string scope, ReadOnlySpan<byte> item);

    private static void Walk(ReadOnlySpan<byte> request, ItemHandler handler, Action<string>? resource = null)
    {
        var top = new ProtobufReader(request);
        while (top.Next())
        {
            if (top.Field != 1)
            {
                top.Skip();
                continue;
            }

            var resourceLevel = top.Bytes();
            var service = "";
            var reader = new ProtobufReader(resourceLevel);
            while (reader.Next())
            {
                if (reader.Field == 1)
                {
                    service = ServiceName(reader.Bytes()) ?? service;
                }
                else
                {
                    reader.Skip();
                }
            }

            resource?.Invoke(service);
            reader = new ProtobufReader(resourceLevel);
            while (reader.Next())
            {
                if (reader.Field != 2)
                {
                    reader.Skip();
                    continue;
                }

                var scopeLevel = reader.Bytes();
                var scope = "";
                var inner = new ProtobufReader(scopeLevel);
                while (inner.Next())
                {
                    if (inner.Field == 1)
                    {
                        scope = NameOf(inner.Bytes(), nameField: 1);
                    }
                    else if (inner.Field == 2)
                    {
                        handler(service, scope, inner.Bytes());
                    }
                    else
                    {
                        inner.Skip();
                    }
                }
            }
        }
    }

    /// <summary>Resource.attributes (1) → KeyValue { key 1, value 2: AnyValue { string_value 1 } } with key service.name.</summary>
    private static string? ServiceName(ReadOnlySpan<byte> resource)
    {
        var reader = new ProtobufReader(resource);
        while (reader.Next())
        {
            if (reader.Field != 1)
            {
                reader.Skip();
                continue;
            }

            var attribute = new ProtobufReader(reader.Bytes());
            string? key = null;
            string? value = null;
            while (attribute.Next())
            {
                if (attribute.Field == 1)
                {
                    key = attribute.String();
                }
                else if (attribute.Field == 2)
                {
                    value = NameOf(attribute.Bytes(), nameField: 1);
                }
                else
                {
                    attribute.Skip();
                }
            }

            if (key == "service.name")
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Span: trace_id 1, span_id 2, parent_span_id 4, name 5.</summary>
    private static ReceivedSpan DecodeSpan(string service, string scope, ReadOnlySpan<byte> span)
    {
        string traceId = "", spanId = "", parentId = "", name = "";
        var reader = new ProtobufReader(span);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: traceId = Convert.ToHexStringLower(reader.Bytes()); break;
                case 2: spanId = Convert.ToHexStringLower(reader.Bytes()); break;
                case 4: parentId = Convert.ToHexStringLower(reader.Bytes()); break;
                case 5: name = reader.String(); break;
                default: reader.Skip(); break;
            }
        }

        return new ReceivedSpan(service, scope, traceId, spanId, parentId, name);
    }

    private static string NameOf(ReadOnlySpan<byte> message, int nameField)
    {
        var reader = new ProtobufReader(message);
        while (reader.Next())
        {
            if (reader.Field == nameField && reader.WireType == 2)
            {
                return Encoding.UTF8.GetString(reader.Bytes());
            }

            reader.Skip();
        }

        return "";
    }
}
