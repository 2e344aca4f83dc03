using System.Text.RegularExpressions;
using NeuroLens.Core.Reports;

namespace NeuroLens.Core.Tests.Reports;

public partial class ReportTests
{
    private const string Hostile = "<script>alert('x')</script> & | *bold* [link](http://example.com)";

    private static Report SampleReport(Figure figure)
    {
        var table = new CsvTable("neuron", "w1", "note")
            .AddRow("n|0", 0.123456789, Hostile)
            .AddRow("n1", double.NaN, null)
            .AddRow("n2", 12345.678, "ok");
        return new Report("Entanglement & <friends>")
            .Heading("Summary")
            .Paragraph("First line " + Hostile + "\nsecond line")
            .Summary([new("neurons", 2048), new("mean W1", 0.1734567), new("model", "pythia <70m>")])
            .Heading("Details", 3)
            .Table(table, "Neurons", maxRows: 2, csvFileName: "neurons.csv")
            .Figure(figure, "hist.png", "Histogram of " + Hostile)
            .Note("a note")
            .Warning("study not built yet");
    }

    private static Figure SmallFigure() => Plots.Bars(["a", "b"], [1, 2], new PlotOptions { Width = 320, Height = 240 });

    [GeneratedRegex("""(?:src|href)\s*=\s*"([^"]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex UrlAttribute();

    [Fact]
    public void HtmlIsSelfContainedWithImagesAsPngDataUris()
    {
        string html = SampleReport(SmallFigure()).ToHtml();

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);

        var urls = UrlAttribute().Matches(html).Select(m => m.Groups[1].Value).ToArray();
        string[] sources = Regex.Matches(html, "src=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Single(sources);
        const string prefix = "data:image/png;base64,";
        Assert.StartsWith(prefix, sources[0]);
        PlotsTests.AssertPng(Convert.FromBase64String(sources[0][prefix.Length..]), 320, 240);
        // The only other URL is the relative link to the full CSV table.
        Assert.Equal(["neurons.csv"], urls.Where(u => !u.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public void HtmlEscapesAllText()
    {
        string html = SampleReport(SmallFigure()).ToHtml();
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; |", html);
        Assert.Contains("<title>Entanglement &amp; &lt;friends&gt;</title>", html);
        Assert.Contains("pythia &lt;70m&gt;", html);
        Assert.DoesNotContain("href=\"http", html);
    }

    [Fact]
    public void HtmlTablesRightAlignNumbersAndLimitRows()
    {
        string html = SampleReport(SmallFigure()).ToHtml();
        Assert.Contains("<th>neuron</th><th class=\"num\">w1</th><th>note</th>", html);
        Assert.Contains("<td>n|0</td><td class=\"num\">0.1235</td>", html);
        Assert.Contains("<td class=\"num\">NaN</td>", html);
        Assert.DoesNotContain("<td>n2</td>", html); // third row is beyond maxRows
        Assert.Contains("1 more rows not shown.", html);
        Assert.Contains("<th scope=\"row\">neurons</th><td class=\"num\">2048</td>", html);
        Assert.Contains("<div class=\"note warning\"><strong>Warning:</strong>study not built yet</div>", html);
    }

    [Fact]
    public void MarkdownEscapesMarkupAndAlignsNumericColumns()
    {
        string md = SampleReport(SmallFigure()).ToMarkdown();
        Assert.StartsWith("# Entanglement \\& \\<friends\\>\n", md);
        Assert.DoesNotMatch(@"(?<!\\)<", md); // every "<" is backslash-escaped, so no raw HTML
        Assert.Contains("\\<script\\>alert('x')\\</script\\> \\& \\| \\*bold\\* \\[link\\](http://example.com)", md);
        Assert.Contains("| neuron | w1 | note |\n| --- | ---: | --- |\n| n\\|0 | 0.1235 |", md);
        Assert.Contains("First line", md);
        Assert.Contains("\\\nsecond line", md);
        Assert.Contains("- **mean W1:** 0.1735\n", md);
        Assert.Contains("> **Warning:** study not built yet", md);
        Assert.Contains("Full table: [neurons.csv](neurons.csv)", md);
    }

    [Fact]
    public void MarkdownEscapesLineStartMarkers()
    {
        string md = new Report("t").Paragraph("# not a heading\n- not a list\n1. not numbered\nplain 1. text").ToMarkdown();
        Assert.Contains("\\# not a heading\\\n\\- not a list\\\n1\\. not numbered\\\nplain 1. text\n", md);
    }

    [Fact]
    public void WriteMarkdownWritesTheFiguresItReferences()
    {
        using var dir = new TempFolder();
        Report report = SampleReport(SmallFigure());
        var written = report.WriteMarkdown(dir.File("report.md"));

        string md = File.ReadAllText(dir.File("report.md"));
        string[] images = Regex.Matches(md, @"!\[(?:\\.|[^\]\\])*\]\(([^)]+)\)").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["hist.png"], images);
        foreach (string image in images)
            PlotsTests.AssertPng(File.ReadAllBytes(dir.File(image)), 320, 240);
        Assert.Equal(["hist.png", "hist.svg", "report.md"], dir.Files());
        Assert.Equal(dir.File("report.md"), written[^1]);
    }

    [Fact]
    public void RejectsFigureNamesThatAreNotPlainPngFileNames()
    {
        var report = new Report("t");
        Figure figure = SmallFigure();
        Assert.Throws<ArgumentException>(() => report.Figure(figure, "../up.png", ""));
        Assert.Throws<ArgumentException>(() => report.Figure(figure, "a b.png", ""));
        Assert.Throws<ArgumentException>(() => report.Figure(figure, "plot.svg", ""));
        report.Figure(figure, "ok.png", "");
        Assert.Throws<ArgumentException>(() => report.Figure(figure, "OK.png", ""));
        Assert.Single(report.Blocks);
    }
}
