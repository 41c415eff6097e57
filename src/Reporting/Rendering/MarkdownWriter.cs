using System.Text;

namespace GpuBench.Reporting.Rendering;

/// <summary>Writes a <see cref="ReportDocument"/> as GitHub-flavoured Markdown; charts are PNG files beside it.</summary>
public static class MarkdownWriter
{
    public const string ChartFolder = "charts";

    public static string Write(ReportDocument document)
    {
        var md = new StringBuilder();
        md.Append("# ").AppendLine(document.Title).AppendLine();
        foreach (var block in document.Blocks)
        {
            switch (block)
            {
                case Heading h:
                    md.Append('#', Math.Min(h.Level, 6)).Append(' ').AppendLine(Escape(h.Text));
                    break;
                case Paragraph p:
                    md.AppendLine(p.Lead is null ? Escape(p.Text) : $"**{Escape(p.Lead)}** {Escape(p.Text)}");
                    break;
                case BulletList list:
                    foreach (var item in list.Items)
                    {
                        md.Append("- ").AppendLine(Escape(item));
                    }

                    break;
                case Table t:
                    AppendTable(md, t);
                    break;
                case Figure f:
                    md.Append("![").Append(Escape(f.Chart.Title)).Append("](")
                        .Append(ChartFolder).Append('/').Append(f.Chart.FileName).AppendLine(")");
                    break;
                default:
                    throw new NotSupportedException($"No Markdown for {block.GetType().Name}.");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private static void AppendTable(StringBuilder md, Table table)
    {
        md.Append("| ").AppendJoin(" | ", table.Headers.Select(Escape)).AppendLine(" |");
        md.Append('|').AppendJoin("|", table.Headers.Select((_, i) => table.NumericColumns.Contains(i) ? "---:" : "---")).AppendLine("|");
        foreach (var row in table.Rows)
        {
            md.Append("| ").AppendJoin(" | ", row.Select(Escape)).AppendLine(" |");
        }
    }

    // Pipes would split a table cell; leading markup characters are left alone because report text never starts with them.
    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
