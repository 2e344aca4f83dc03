using System.Text.Json;
using NeuroLens.Core.Reports;

namespace NeuroLens.Core.Tests.Reports;

public class OutputFolderTests
{
    [Fact]
    public void WritesResultsTableFigureAndBothReports()
    {
        using var dir = new TempFolder();
        var output = new OutputFolder(Path.Combine(dir.Path, "out", "entanglement"));
        var timings = new Timings();
        var run = RunInfo.Start("entanglement", ["entanglement", "--seed", "3"], seed: 3, threads: 2, device: "cpu");

        var table = new CsvTable("neuron", "w1");
        using (timings.Measure("score"))
        {
            for (int i = 0; i < 5; i++)
                table.AddRow($"n{i}", i * 0.1);
        }
        Figure figure = Plots.Histogram([0.0, 0.1, 0.2, 0.3, 0.4], new PlotOptions { Width = 300, Height = 200 }, bins: 5);

        output.WriteTable("neurons.csv", table);
        output.WriteFigure("w1.png", figure);
        var reports = output.WriteReport(new Report("Entanglement")
            .Figure(figure, "w1.png", "W1 distances")
            .Table(table, "Neurons", csvFileName: "neurons.csv"));
        string results = output.WriteResults(run, timings, new { Neurons = table.Rows.Count });

        string prefix = Path.Combine("out", "entanglement");
        Assert.Equal(
            new[] { "neurons.csv", "report.html", "report.md", "results.json", "w1.png", "w1.svg" }.Select(f => Path.Combine(prefix, f)),
            dir.Files());
        Assert.Equal([output.GetPath("w1.png"), output.GetPath("w1.svg"), output.GetPath("report.md"), output.GetPath("report.html")], reports);
        using var doc = JsonDocument.Parse(File.ReadAllText(results));
        Assert.Equal(5, doc.RootElement.GetProperty("results").GetProperty("neurons").GetInt32());
        Assert.Equal(3, doc.RootElement.GetProperty("seed").GetInt64());
        Assert.True(doc.RootElement.GetProperty("timings").TryGetProperty("score", out _));
        Assert.Equal(table.ToCsv(), File.ReadAllText(output.GetPath("neurons.csv")));
    }

    [Fact]
    public void PathsMustStayInsideTheFolder()
    {
        using var dir = new TempFolder();
        var output = new OutputFolder(dir.File("o"));
        Assert.Throws<ArgumentException>(() => output.GetPath("../escape.csv"));
        Assert.Throws<ArgumentException>(() => output.GetPath("/etc/passwd"));
        Assert.Equal(Path.Combine(output.Path, "sub", "t.csv"), output.GetPath("sub/t.csv"));
    }

    [Fact]
    public void DefaultFolderIsNamedAfterTheCommand()
    {
        using var dir = new TempFolder();
        var explicitFolder = OutputFolder.ForCommand(dir.File("mine"), "cascade");
        Assert.Equal(dir.File("mine"), explicitFolder.Path);
        Assert.True(Directory.Exists(explicitFolder.Path));
        string expected = Path.GetFullPath(Path.Combine("neurolens-out", "cascade"));
        try
        {
            Assert.Equal(expected, OutputFolder.ForCommand(null, "cascade").Path);
        }
        finally
        {
            Directory.Delete(expected);
            string parent = Path.GetDirectoryName(expected)!;
            if (!Directory.EnumerateFileSystemEntries(parent).Any())
                Directory.Delete(parent);
        }
    }

    [Fact]
    public void FolderThatCannotBeCreatedGivesNeuroLensException()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("file"), "x");
        var ex = Assert.Throws<NeuroLensException>(() => new OutputFolder(dir.File("file/sub")));
        Assert.Contains("cannot create output folder", ex.Message);
    }
}
