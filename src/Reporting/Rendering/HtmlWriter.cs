using System.Net;
using System.Text;

namespace GpuBench.Reporting.Rendering;

/// <summary>
/// Writes a <see cref="ReportDocument"/> as one self-contained HTML page: styles inline, charts as base64 PNG,
/// no scripts and no external URL, so it opens offline and from an e-mail attachment.
/// </summary>
public static class HtmlWriter
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1b1b1b}
        h1,h2,h3{line-height:1.2}
        h2{margin-top:2.5rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
        table{border-collapse:collapse;margin:1rem 0;font-size:.85rem;display:block;overflow-x:auto}
        th,td{border:1px solid #ccc;padding:.3rem .5rem;white-space:nowrap}
        th{background:#f3f3f3;text-align:left}
        td.num{text-align:right;font-variant-numeric:tabular-nums}
        tr.flagged td{background:#fff4e5}
        figure{margin:1.5rem 0}
        figure img{max-width:100%;height:auto;border:1px solid #eee}
        figcaption{font-size:.85rem;color:#555}
        """;

    public static string Write(ReportDocument document)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>")
            .AppendLine("<html lang=\"en\">")
            .AppendLine("<head>")
            .AppendLine("<meta charset=\"utf-8\">")
            .AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(document.Title)).AppendLine("</title>")
            .Append("<style>").Append(Style).AppendLine("</style>")
            .AppendLine("</head>")
            .AppendLine("<body>")
            .Append("<h1>").Append(Encode(document.Title)).AppendLine("</h1>");
        foreach (var block in document.Blocks)
        {
            AppendBlock(html, block);
        }

        html.AppendLine("</body>").AppendLine("</html>");
        return html.ToString();
    }

    private static void AppendBlock(StringBuilder html, ReportBlock block)
    {
        switch (block)
        {
            case Heading h:
                var tag = $"h{Math.Clamp(h.Level, 1, 6)}";
                html.Append('<').Append(tag).Append('>').Append(Encode(h.Text)).Append("</").Append(tag).AppendLine(">");
                break;
            case Paragraph p:
                html.Append("<p>");
                if (p.Lead is not null)
                {
                    html.Append("<strong>").Append(Encode(p.Lead)).Append("</strong> ");
                }

                html.Append(Encode(p.Text)).AppendLine("</p>");
                break;
            case BulletList list:
                html.AppendLine("<ul>");
                foreach (var item in list.Items)
                {
                    html.Append("<li>").Append(Encode(item)).AppendLine("</li>");
                }

                html.AppendLine("</ul>");
                break;
            case Table t:
                AppendTable(html, t);
                break;
            case Figure f:
                html.Append("<figure><img class=\"chart\" id=\"").Append(Encode(f.Chart.Id))
                    .Append("\" width=\"").Append(f.Chart.Width).Append("\" height=\"").Append(f.Chart.Height)
                    .Append("\" alt=\"").Append(Encode(f.Chart.AltText))
                    .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(f.Chart.Png)).Append("\">")
                    .Append("<figcaption>").Append(Encode(f.Chart.Title)).AppendLine("</figcaption></figure>");
                break;
            default:
                throw new NotSupportedException($"No HTML for {block.GetType().Name}.");
        }
    }

    private static void AppendTable(StringBuilder html, Table table)
    {
        html.AppendLine("<table>").Append("<thead><tr>");
        foreach (var header in table.Headers)
        {
            html.Append("<th>").Append(Encode(header)).Append("</th>");
        }

        html.AppendLine("</tr></thead>").AppendLine("<tbody>");
        foreach (var row in table.Rows)
        {
            // A flagged row (invalid or simulated run) is tinted as well as labelled.
            html.Append(row.Any(c => c.StartsWith('⚠')) ? "<tr class=\"flagged\">" : "<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                html.Append(table.NumericColumns.Contains(i) ? "<td class=\"num\">" : "<td>").Append(Encode(row[i])).Append("</td>");
            }

            html.AppendLine("</tr>");
        }

        html.AppendLine("</tbody>").AppendLine("</table>");
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
