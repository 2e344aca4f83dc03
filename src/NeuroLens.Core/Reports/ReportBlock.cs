namespace NeuroLens.Core.Reports;

/// <summary>
/// One piece of a <see cref="Report"/>'s content. The same blocks are rendered to Markdown and HTML.
/// </summary>
public abstract record ReportBlock;

/// <summary>A section heading.</summary>
/// <param name="Text">The heading text.</param>
/// <param name="Level">2 for a section (h2), 3 for a subsection (h3).</param>
public sealed record HeadingBlock(string Text, int Level) : ReportBlock;

/// <summary>A paragraph of plain text (not markup: every character is shown as written).</summary>
/// <param name="Text">The paragraph text.</param>
public sealed record ParagraphBlock(string Text) : ReportBlock;

/// <summary>A list of named values, e.g. the headline numbers of a study.</summary>
/// <param name="Items">Names and values (strings, numbers, bools or null), shown in this order.</param>
/// <param name="Digits">Significant digits shown for floating-point values.</param>
public sealed record SummaryBlock(IReadOnlyList<KeyValuePair<string, object?>> Items, int Digits) : ReportBlock;

/// <summary>A table; numeric columns are right-aligned.</summary>
/// <param name="Table">The table's content.</param>
/// <param name="Caption">Caption shown above the table; empty for none.</param>
/// <param name="Digits">Significant digits shown for floating-point cells (the CSV keeps full precision).</param>
/// <param name="MaxRows">Most rows shown; a longer table ends with a line saying how many were left out.</param>
/// <param name="CsvFileName">Name of the CSV file holding the whole table, linked from the report, or null.</param>
public sealed record TableBlock(CsvTable Table, string Caption, int Digits, int MaxRows, string? CsvFileName) : ReportBlock;

/// <summary>A figure with its caption.</summary>
/// <param name="Figure">The rendered plot.</param>
/// <param name="FileName">
/// File name of the PNG written beside <c>report.md</c> (and referenced from it); the HTML report embeds
/// the image instead.
/// </param>
/// <param name="Caption">Caption shown under the figure.</param>
public sealed record FigureBlock(Figure Figure, string FileName, string Caption) : ReportBlock;

/// <summary>How prominently a <see cref="NoteBlock"/> is shown.</summary>
public enum NoteKind
{
    /// <summary>Additional information.</summary>
    Note,

    /// <summary>Something the reader must know to trust the results (e.g. a study not built yet, a fallback taken).</summary>
    Warning,
}

/// <summary>A highlighted note or warning.</summary>
/// <param name="Text">The note text.</param>
/// <param name="Kind">Note or warning.</param>
public sealed record NoteBlock(string Text, NoteKind Kind) : ReportBlock;
