using System.Globalization;
using System.Net;
using System.Text;

namespace NeuroLens.Core.Reports;

/// <summary>
/// Renders a <see cref="Report"/> as one self-contained HTML5 page: inline CSS, figures as
/// <c>data:image/png;base64</c> URIs, no scripts and no external resources, so the single file can be
/// mailed, archived or opened from disk and shows everything.
/// </summary>
internal static class HtmlReportWriter
{
    // System fonts only: a web font would be an external resource.
    private const string Css = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
               font-size: 16px; line-height: 1.55; color: #1f2328; background: #fff; max-width: 980px;
               margin: 2rem auto; padding: 0 1.25rem; }
        h1 { font-size: 1.9rem; margin: 0 0 1.2rem; padding-bottom: .4rem; border-bottom: 2px solid #d0d7de; }
        h2 { font-size: 1.4rem; margin: 2.2rem 0 .8rem; padding-bottom: .25rem; border-bottom: 1px solid #d8dee4; }
        h3 { font-size: 1.15rem; margin: 1.6rem 0 .6rem; }
        p { margin: .6rem 0 1rem; }
        table { border-collapse: collapse; margin: .4rem 0 1.2rem; font-size: .92rem; }
        caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 .35rem; }
        th, td { border: 1px solid #d0d7de; padding: .3rem .65rem; vertical-align: top; }
        th { background: #f6f8fa; text-align: left; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.summary th { font-weight: 600; }
        .more { color: #57606a; font-size: .9rem; margin-top: -.8rem; }
        figure { margin: 1.2rem 0 1.6rem; }
        figure img { max-width: 100%; height: auto; border: 1px solid #eaeef2; }
        figcaption { color: #444c56; font-size: .92rem; margin-top: .4rem; }
        .note { border-left: 4px solid #0969da; background: #ddf4ff; padding: .6rem .9rem; margin: 1rem 0; border-radius: 4px; }
        .warning { border-left-color: #bf8700; background: #fff8c5; }
        .note strong { margin-right: .35rem; }
        """;

    public static string Render(Report report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode(report.Title)).Append("</title>\n")
            .Append("<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(Encode(report.Title)).Append("</h1>\n");
        foreach (ReportBlock block in report.Blocks)
        {
            switch (block)
            {
                case HeadingBlock h:
                    html.Append(CultureInfo.InvariantCulture, $"<h{h.Level}>").Append(Encode(h.Text))
                        .Append(CultureInfo.InvariantCulture, $"</h{h.Level}>\n");
                    break;
                case ParagraphBlock p:
                    html.Append("<p>").Append(EncodeLines(p.Text)).Append("</p>\n");
                    break;
                case SummaryBlock s:
                    AppendSummary(html, s);
                    break;
                case TableBlock t:
                    AppendTable(html, t);
                    break;
                case FigureBlock f:
                    html.Append("<figure>\n<img src=\"data:image/png;base64,")
                        .Append(Convert.ToBase64String(f.Figure.Png.Span))
                        .Append("\" alt=\"").Append(Encode(f.Caption)).Append('"')
                        .Append(CultureInfo.InvariantCulture, $" width=\"{f.Figure.Width}\" height=\"{f.Figure.Height}\">\n");
                    if (f.Caption.Length > 0)
                        html.Append("<figcaption>").Append(EncodeLines(f.Caption)).Append("</figcaption>\n");
                    html.Append("</figure>\n");
                    break;
                case NoteBlock n:
                    html.Append(n.Kind == NoteKind.Warning ? "<div class=\"note warning\"><strong>Warning:</strong>" : "<div class=\"note\"><strong>Note:</strong>")
                        .Append(EncodeLines(n.Text)).Append("</div>\n");
                    break;
                default:
                    throw new NotSupportedException($"unknown report block {block.GetType().Name}");
            }
        }
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendSummary(StringBuilder html, SummaryBlock s)
    {
        html.Append("<table class=\"summary\">\n<tbody>\n");
        foreach (var (key, value) in s.Items)
        {
            html.Append("<tr><th scope=\"row\">").Append(EncodeLines(key)).Append("</th>")
                .Append(CsvTable.IsNumber(value) ? "<td class=\"num\">" : "<td>")
                .Append(EncodeLines(ReportText.FormatValue(value, s.Digits))).Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendTable(StringBuilder html, TableBlock t)
    {
        CsvTable table = t.Table;
        bool[] numeric = Enumerable.Range(0, table.Columns.Count).Select(c => ReportText.IsNumericColumn(table, c)).ToArray();
        html.Append("<table>\n");
        if (t.Caption.Length > 0)
            html.Append("<caption>").Append(EncodeLines(t.Caption)).Append("</caption>\n");
        html.Append("<thead><tr>");
        for (int c = 0; c < table.Columns.Count; c++)
            html.Append(numeric[c] ? "<th class=\"num\">" : "<th>").Append(EncodeLines(table.Columns[c])).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows.Take(t.MaxRows))
        {
            html.Append("<tr>");
            for (int c = 0; c < row.Count; c++)
                html.Append(numeric[c] ? "<td class=\"num\">" : "<td>").Append(EncodeLines(ReportText.FormatValue(row[c], t.Digits))).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
        int hidden = table.Rows.Count - Math.Min(table.Rows.Count, t.MaxRows);
        if (hidden > 0 || t.CsvFileName is not null)
        {
            html.Append("<p class=\"more\">");
            if (hidden > 0)
                html.Append(CultureInfo.InvariantCulture, $"{hidden} more rows not shown. ");
            if (t.CsvFileName is not null)
                html.Append("Full table: <a href=\"").Append(Encode(t.CsvFileName)).Append("\">").Append(Encode(t.CsvFileName)).Append("</a>");
            html.Append("</p>\n");
        }
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string EncodeLines(string text) => string.Join("<br>\n", text.ReplaceLineEndings("\n").Split('\n').Select(Encode));
}
