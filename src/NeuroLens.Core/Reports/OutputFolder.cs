using NeuroLens.Core.IO;
namespace NeuroLens.Core.Reports;

/// <summary>
/// A command's output folder (<c>--out DIR</c>, default <c>neurolens-out/&lt;command&gt;</c>): writes
/// <c>results.json</c>, CSV tables, figures and the reports into it, every file atomically.
/// </summary>
/// <remarks>
/// Write <c>results.json</c> last: then its presence means the run finished, and every file it
/// describes is complete.
/// </remarks>
/// <example>
/// <code>
/// var timings = new Timings();
/// var run = RunInfo.Start("entanglement", args, seed: 0, threads: 2, device: "cpu");
/// var output = OutputFolder.ForCommand(outOption, "entanglement");
/// var table = new CsvTable("neuron", "wasserstein");
/// using (timings.Measure("score"))
///     foreach (var (neuron, w) in scores) table.AddRow(neuron, w);
/// var figure = Plots.Histogram(distances, new PlotOptions { Title = "W1 to N(0, 1)", XLabel = "W1" });
/// output.WriteTable("neurons.csv", table);
/// output.WriteReport(new Report("Entanglement")
///     .Figure(figure, "wasserstein.png", "Distribution of Wasserstein distances.")
///     .Table(table, "Neurons", csvFileName: "neurons.csv"));
/// output.WriteResults(run, timings, new { neurons = table.Rows.Count });
/// </code>
/// </example>
public sealed class OutputFolder
{
    /// <summary>Opens (creating if needed) the output folder at <paramref name="path"/>.</summary>
    /// <param name="path">The folder; relative paths are resolved against the current directory.</param>
    /// <exception cref="NeuroLensException">The folder cannot be created.</exception>
    public OutputFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NeuroLensException($"{path}: cannot create output folder ({ex.Message})", ex);
        }
    }

    /// <summary>The output folder's full path.</summary>
    public string Path { get; }

    /// <summary>Opens the folder given by <c>--out</c>, or <c>neurolens-out/&lt;command&gt;</c> when it was not given.</summary>
    /// <param name="outOption">The value of <c>--out</c>, or null.</param>
    /// <param name="command">The command name.</param>
    /// <returns>The opened output folder.</returns>
    public static OutputFolder ForCommand(string? outOption, string command)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        return new OutputFolder(string.IsNullOrEmpty(outOption) ? System.IO.Path.Combine("neurolens-out", command) : outOption);
    }

    /// <summary>The full path of a file inside the folder.</summary>
    /// <param name="relativePath">A relative path that stays inside the folder (e.g. <c>"neurons.csv"</c> or <c>"layers/3.csv"</c>).</param>
    /// <returns>The full path.</returns>
    public string GetPath(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, relativePath));
        string root = Path.EndsWith(System.IO.Path.DirectorySeparatorChar) ? Path : Path + System.IO.Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
            throw new ArgumentException($"'{relativePath}' is not a path inside the output folder", nameof(relativePath));
        return full;
    }

    /// <summary>Writes <c>results.json</c> (see <see cref="ResultsJson"/>).</summary>
    /// <param name="run">How the command was run.</param>
    /// <param name="timings">Durations of the command's phases.</param>
    /// <param name="results">The command's own summary object, or null.</param>
    /// <returns>The path written.</returns>
    public string WriteResults(RunInfo run, Timings timings, object? results)
    {
        string path = GetPath(ResultsJson.FileName);
        ResultsJson.Write(path, run, timings, results);
        return path;
    }

    /// <summary>Writes a CSV table.</summary>
    /// <param name="fileName">File name inside the folder, e.g. <c>"neurons.csv"</c>.</param>
    /// <param name="table">The table.</param>
    /// <returns>The path written.</returns>
    public string WriteTable(string fileName, CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        string path = GetPath(fileName);
        table.Write(path);
        return path;
    }

    /// <summary>Writes a figure as PNG, and as SVG beside it when the figure has one.</summary>
    /// <param name="fileName">PNG file name inside the folder, e.g. <c>"histogram.png"</c>.</param>
    /// <param name="figure">The rendered plot.</param>
    /// <returns>The paths written, PNG first.</returns>
    public IReadOnlyList<string> WriteFigure(string fileName, Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return figure.Save(GetPath(fileName));
    }

    /// <summary>Writes a text file (UTF-8).</summary>
    /// <param name="fileName">File name inside the folder.</param>
    /// <param name="text">The content.</param>
    /// <returns>The path written.</returns>
    public string WriteText(string fileName, string text)
    {
        string path = GetPath(fileName);
        AtomicFile.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes <c>report.md</c> (with its figure files) and/or <c>report.html</c>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="formats">Which reports to write.</param>
    /// <returns>The paths written.</returns>
    public IReadOnlyList<string> WriteReport(Report report, ReportFormats formats = ReportFormats.Both)
    {
        ArgumentNullException.ThrowIfNull(report);
        if ((formats & ReportFormats.Both) == 0)
            throw new ArgumentOutOfRangeException(nameof(formats), formats, "expected Markdown, Html or both");
        var written = new List<string>();
        if (formats.HasFlag(ReportFormats.Markdown))
            written.AddRange(report.WriteMarkdown(GetPath("report.md")));
        if (formats.HasFlag(ReportFormats.Html))
        {
            string html = GetPath("report.html");
            report.WriteHtml(html);
            written.Add(html);
        }
        return written;
    }
}
