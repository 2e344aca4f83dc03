using System.Globalization;
using System.Text;

namespace NeuroLens.Core.Reports;

/// <summary>Renders a <see cref="Report"/> as CommonMark with GitHub-style tables.</summary>
internal static class MarkdownReportWriter
{
    public static string Render(Report report)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(Escape(report.Title)).Append("\n\n");
        foreach (ReportBlock block in report.Blocks)
        {
            switch (block)
            {
                case HeadingBlock h:
                    md.Append('#', h.Level).Append(' ').Append(Escape(h.Text)).Append("\n\n");
                    break;
                case ParagraphBlock p:
                    // A trailing backslash is CommonMark's hard line break, keeping the author's lines.
                    md.Append(string.Join("\\\n", SplitLines(p.Text).Select(EscapeBlock))).Append("\n\n");
                    break;
                case SummaryBlock s:
                    foreach (var (key, value) in s.Items)
                        md.Append("- **").Append(Escape(key)).Append(":** ").Append(Escape(ReportText.FormatValue(value, s.Digits))).Append('\n');
                    md.Append('\n');
                    break;
                case TableBlock t:
                    AppendTable(md, t);
                    break;
                case FigureBlock f:
                    md.Append("![").Append(Escape(f.Caption)).Append("](").Append(f.FileName).Append(")\n\n");
                    if (f.Caption.Length > 0)
                        md.Append('*').Append(Escape(f.Caption)).Append("*\n\n");
                    break;
                case NoteBlock n:
                    md.Append("> **").Append(n.Kind == NoteKind.Warning ? "Warning" : "Note").Append(":** ")
                      .Append(string.Join("\\\n> ", SplitLines(n.Text).Select(EscapeBlock))).Append("\n\n");
                    break;
                default:
                    throw new NotSupportedException($"unknown report block {block.GetType().Name}");
            }
        }
        return md.ToString().TrimEnd('\n') + "\n";
    }

    private static void AppendTable(StringBuilder md, TableBlock t)
    {
        CsvTable table = t.Table;
        if (t.Caption.Length > 0)
            md.Append("**").Append(Escape(t.Caption)).Append("**\n\n");
        md.Append('|');
        foreach (string column in table.Columns)
            md.Append(' ').Append(Cell(column)).Append(" |");
        md.Append("\n|");
        for (int c = 0; c < table.Columns.Count; c++)
            md.Append(ReportText.IsNumericColumn(table, c) ? " ---: |" : " --- |");
        md.Append('\n');
        foreach (var row in table.Rows.Take(t.MaxRows))
        {
            md.Append('|');
            foreach (object? cell in row)
                md.Append(' ').Append(Cell(ReportText.FormatValue(cell, t.Digits))).Append(" |");
            md.Append('\n');
        }
        md.Append('\n');
        int hidden = table.Rows.Count - Math.Min(table.Rows.Count, t.MaxRows);
        if (hidden > 0 || t.CsvFileName is not null)
        {
            if (hidden > 0)
                md.Append(string.Create(CultureInfo.InvariantCulture, $"{hidden} more rows not shown. "));
            if (t.CsvFileName is not null)
                md.Append("Full table: [").Append(Escape(t.CsvFileName)).Append("](").Append(t.CsvFileName).Append(')');
            md.Append("\n\n");
        }
    }

    /// <summary>A table cell: escaped, and on one line because a Markdown table row cannot break.</summary>
    private static string Cell(string text) => string.Join("<br>", SplitLines(text).Select(Escape));

    private static string[] SplitLines(string text) => text.ReplaceLineEndings("\n").Split('\n');

    /// <summary>
    /// Backslash-escapes the characters that CommonMark could read as inline markup (any ASCII
    /// punctuation may be escaped), so that text is shown literally: among them <c>|</c>, which would
    /// split a table cell, <c>&lt;</c>, which would start raw HTML, and <c>#</c>, which could open or
    /// close a heading.
    /// </summary>
    private static string Escape(string text) => Escape(text, lineStartMarkers: false);

    /// <summary>
    /// As <see cref="Escape(string)"/>, and also escapes what would start a list, a rule or a setext
    /// heading at the start of a line: for text that begins a block (paragraph lines, note lines).
    /// </summary>
    private static string EscapeBlock(string text) => Escape(text, lineStartMarkers: true);

    private static string Escape(string text, bool lineStartMarkers)
    {
        var sb = new StringBuilder(text.Length + 8);
        bool lineStart = true;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool escape = c is '\\' or '`' or '*' or '_' or '{' or '}' or '[' or ']' or '<' or '>' or '|' or '~' or '&' or '#'
                          || (lineStartMarkers && lineStart && c is '-' or '+' or '=')
                          || (lineStartMarkers && c is '.' or ')' && IsOrderedListMarker(text, i));
            if (escape)
                sb.Append('\\');
            sb.Append(c);
            lineStart = c == '\n' || (lineStart && c == ' ');
        }
        return sb.ToString();
    }

    /// <summary>True if the character at <paramref name="i"/> ends a run of digits that starts a line ("1." or "2)").</summary>
    private static bool IsOrderedListMarker(string text, int i)
    {
        int start = i;
        while (start > 0 && char.IsAsciiDigit(text[start - 1]))
            start--;
        if (start == i)
            return false;
        while (start > 0 && text[start - 1] == ' ')
            start--;
        return start == 0 || text[start - 1] == '\n';
    }
}
