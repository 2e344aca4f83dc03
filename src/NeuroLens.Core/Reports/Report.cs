using NeuroLens.Core.IO;
namespace NeuroLens.Core.Reports;

/// <summary>
/// A human-readable report, built once and written as Markdown (<c>report.md</c> with its figures as
/// PNG files beside it) and as one self-contained HTML file (<c>report.html</c>: inline CSS, figures
/// embedded as data URIs, no external resources, opens from disk in any browser).
/// </summary>
/// <remarks>
/// All text is plain text: it is escaped for Markdown and HTML, so a neuron named <c>&lt;script&gt;</c>
/// or <c>a|b</c> shows as written. Floating-point numbers are shown with a few significant digits;
/// the CSV files and <c>results.json</c> keep full precision.
/// </remarks>
/// <example>
/// <code>
/// var report = new Report("Entanglement of pythia-70m layer 3")
///     .Summary([new("neurons", 2048), new("mean W1", 0.173)])
///     .Figure(figure, "wasserstein-histogram.png", "Wasserstein distances to N(0, 1).")
///     .Table(table, "Most entangled neurons", csvFileName: "neurons.csv");
/// report.WriteHtml("out/report.html");
/// </code>
/// </example>
public sealed class Report
{
    private readonly List<ReportBlock> _blocks = [];

    /// <summary>Starts an empty report.</summary>
    /// <param name="title">The report's title (h1 and HTML page title).</param>
    public Report(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        Title = title;
    }

    /// <summary>The report's title.</summary>
    public string Title { get; }

    /// <summary>The content, in order.</summary>
    public IReadOnlyList<ReportBlock> Blocks => _blocks;

    /// <summary>Adds a section heading.</summary>
    /// <param name="text">Heading text.</param>
    /// <param name="level">2 for a section, 3 for a subsection.</param>
    /// <returns>This report, for chaining.</returns>
    public Report Heading(string text, int level = 2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (level is not (2 or 3))
            throw new ArgumentOutOfRangeException(nameof(level), level, "expected 2 (section) or 3 (subsection)");
        return Add(new HeadingBlock(text, level));
    }

    /// <summary>Adds a paragraph of plain text.</summary>
    /// <param name="text">Paragraph text; line breaks are kept.</param>
    /// <returns>This report, for chaining.</returns>
    public Report Paragraph(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Add(new ParagraphBlock(text));
    }

    /// <summary>Adds a list of named values.</summary>
    /// <param name="items">Names and values (strings, numbers, bools or null).</param>
    /// <param name="digits">Significant digits shown for floating-point values.</param>
    /// <returns>This report, for chaining.</returns>
    public Report Summary(IEnumerable<KeyValuePair<string, object?>> items, int digits = 4)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 1);
        return Add(new SummaryBlock(items.ToArray(), digits));
    }

    /// <summary>Adds a table.</summary>
    /// <param name="table">The table (its current rows; later additions are shown too).</param>
    /// <param name="caption">Caption shown above it; empty for none.</param>
    /// <param name="digits">Significant digits shown for floating-point cells.</param>
    /// <param name="maxRows">Most rows shown; the rest are counted in a closing line.</param>
    /// <param name="csvFileName">Name of the CSV file with the whole table, linked from the report, or null.</param>
    /// <returns>This report, for chaining.</returns>
    public Report Table(CsvTable table, string caption = "", int digits = 4, int maxRows = 50, string? csvFileName = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(caption);
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        if (csvFileName is not null)
            CheckFileName(csvFileName, ".csv", nameof(csvFileName));
        return Add(new TableBlock(table, caption, digits, maxRows, csvFileName));
    }

    /// <summary>Adds a figure.</summary>
    /// <param name="figure">The rendered plot.</param>
    /// <param name="fileName">
    /// Plain file name ending in <c>.png</c> (no folder), unique within the report: the PNG (and SVG,
    /// if any) written beside <c>report.md</c>.
    /// </param>
    /// <param name="caption">Caption shown under the figure.</param>
    /// <returns>This report, for chaining.</returns>
    public Report Figure(Figure figure, string fileName, string caption)
    {
        ArgumentNullException.ThrowIfNull(figure);
        ArgumentNullException.ThrowIfNull(caption);
        CheckFileName(fileName, ".png", nameof(fileName));
        if (_blocks.OfType<FigureBlock>().Any(f => string.Equals(f.FileName, fileName, StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException($"the report already has a figure named '{fileName}'", nameof(fileName));
        return Add(new FigureBlock(figure, fileName, caption));
    }

    /// <summary>Adds a note.</summary>
    /// <param name="text">Note text.</param>
    /// <returns>This report, for chaining.</returns>
    public Report Note(string text) => AddNote(text, NoteKind.Note);

    /// <summary>Adds a warning, e.g. that a study is not built yet or a fallback was taken.</summary>
    /// <param name="text">Warning text.</param>
    /// <returns>This report, for chaining.</returns>
    public Report Warning(string text) => AddNote(text, NoteKind.Warning);

    /// <summary>Renders the report as Markdown (CommonMark with GitHub tables); figures are referenced by file name.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown() => MarkdownReportWriter.Render(this);

    /// <summary>Renders the report as one self-contained HTML document.</summary>
    /// <returns>The HTML text.</returns>
    public string ToHtml() => HtmlReportWriter.Render(this);

    /// <summary>
    /// Writes the Markdown report to <paramref name="path"/> and each figure's PNG (and SVG) beside
    /// it under its file name, all atomically; the figures first, so that the report never refers to
    /// a missing file.
    /// </summary>
    /// <param name="path">Target file, conventionally <c>OUT/report.md</c>.</param>
    /// <returns>The paths written, the report last.</returns>
    public IReadOnlyList<string> WriteMarkdown(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var written = new List<string>();
        foreach (FigureBlock figure in _blocks.OfType<FigureBlock>())
            written.AddRange(figure.Figure.Save(Path.Combine(folder, figure.FileName)));
        AtomicFile.WriteAllText(path, ToMarkdown());
        written.Add(path);
        return written;
    }

    /// <summary>Writes the self-contained HTML report to <paramref name="path"/> atomically.</summary>
    /// <param name="path">Target file, conventionally <c>OUT/report.html</c>.</param>
    public void WriteHtml(string path) => AtomicFile.WriteAllText(path, ToHtml());

    private Report AddNote(string text, NoteKind kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        return Add(new NoteBlock(text, kind));
    }

    private Report Add(ReportBlock block)
    {
        _blocks.Add(block);
        return this;
    }

    private static void CheckFileName(string fileName, string extension, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName, parameter);
        bool plain = fileName == Path.GetFileName(fileName)
                     && fileName.IndexOfAny(['/', '\\', ':']) < 0
                     && !fileName.StartsWith('.')
                     && fileName.Length > extension.Length
                     && fileName.EndsWith(extension, StringComparison.OrdinalIgnoreCase)
                     && fileName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
        if (!plain)
            throw new ArgumentException(
                $"expected a plain file name of letters, digits, '-', '_' and '.' ending in {extension}, got '{fileName}'", parameter);
    }
}
