using System.Buffers.Binary;
using System.Xml.Linq;
using NeuroLens.Core.Reports;
using SkiaSharp;

namespace NeuroLens.Core.Tests.Reports;

public class PlotsTests
{
    private static readonly PlotOptions Small = new() { Title = "t", XLabel = "x", YLabel = "y", Width = 420, Height = 300 };

    /// <summary>Checks the PNG signature and the IHDR chunk, and that the image decodes.</summary>
    internal static void AssertPng(ReadOnlySpan<byte> png, int width, int height)
    {
        Assert.True(png.Length > 1000, $"PNG of {png.Length} bytes is too small to hold a plot");
        Assert.True(png[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "PNG signature");
        Assert.Equal(13, BinaryPrimitives.ReadInt32BigEndian(png[8..]));
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png[12..16]));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png[16..]));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png[20..]));
        using var bitmap = SKBitmap.Decode(png.ToArray());
        Assert.NotNull(bitmap);
        Assert.Equal(width, bitmap.Width);
    }

    private static void AssertSvg(string? svg, int width, int height)
    {
        Assert.NotNull(svg);
        XElement root = XDocument.Parse(svg).Root!;
        Assert.Equal("svg", root.Name.LocalName);
        Assert.Equal(width.ToString(), root.Attribute("width")!.Value);
        Assert.Equal(height.ToString(), root.Attribute("height")!.Value);
        Assert.True(root.Descendants().Count() > 10, "the SVG should hold the plot's elements");
    }

    [Fact]
    public void HistogramWithDensityRendersPngAndSvgOfRequestedSize()
    {
        var rng = new Random(1);
        double[] sample = Enumerable.Range(0, 2000)
            .Select(_ => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))
            .Append(double.NaN).ToArray();
        Figure figure = Plots.Histogram(sample, Small, bins: 30, density: Plots.StandardNormalPdf, densityLabel: "N(0, 1)");
        AssertPng(figure.Png.Span, 420, 300);
        AssertSvg(figure.Svg, 420, 300);
    }

    [Fact]
    public void LinesBarsAndHeatmapRenderAtRequestedSizes()
    {
        double[] x = [0, 1, 2, 3];
        Figure lines = Plots.Lines(
            [new PlotSeries("a", x, [0, 1, 4, 9]), new PlotSeries("b", x, [1, double.NaN, 2, 2], SeriesStyle.Markers)],
            Small with { Width = 500, Height = 350 });
        AssertPng(lines.Png.Span, 500, 350);
        AssertPng(Plots.Lines([new PlotSeries("all missing", [double.NaN], [1])], Small).Png.Span, 420, 300);
        AssertSvg(lines.Svg, 500, 350);

        Figure bars = Plots.Bars(["pruned", "dense", "sparse expansion"], [0.3, 0.5, 0.2], Small, errors: [0.01, 0.02, 0.03]);
        AssertPng(bars.Png.Span, 420, 300);

        Figure heatmap = Plots.Heatmap(new double[,] { { 1, 2, 3 }, { 4, double.NaN, 6 } }, Small with { Svg = false },
            rowLabels: ["r0", "r1"], columnLabels: ["c0", "c1", "c2"], colorBarLabel: "value");
        AssertPng(heatmap.Png.Span, 420, 300);
        Assert.Null(heatmap.Svg);
    }

    [Fact]
    public void HeatmapDrawsRowZeroAtTheTop()
    {
        // Viridis: high values are bright yellow, low values dark purple.
        var options = new PlotOptions { Width = 400, Height = 400, Svg = false };
        Figure figure = Plots.Heatmap(new double[,] { { 10, 10 }, { 0, 0 } }, options);
        using var bitmap = SKBitmap.Decode(figure.Png.ToArray());
        SKColor top = bitmap.GetPixel(180, 120), bottom = bitmap.GetPixel(180, 300);
        Assert.True(top.Red > 200 && top.Green > 200 && top.Blue < 100, $"top cell should be yellow, was {top}");
        Assert.True(bottom.Red < 100 && bottom.Green < 50, $"bottom cell should be dark purple, was {bottom}");
    }

    [SkippableFact]
    public void TextIsDrawnWhenFontsAreInstalled()
    {
        Skip.IfNot(Plots.TextRenderingAvailable, "no fonts installed: plots render without text");
        double[] v = [1, 2, 3];
        var plain = new PlotOptions { Width = 300, Height = 200, Svg = false };
        Figure without = Plots.Lines([new PlotSeries("", v, v)], plain);
        Figure with = Plots.Lines([new PlotSeries("", v, v)], plain with { Title = "A TITLE" });
        using var a = SKBitmap.Decode(without.Png.ToArray());
        using var b = SKBitmap.Decode(with.Png.ToArray());
        // The title takes room at the top and draws dark pixels there.
        int dark = 0;
        for (int y = 0; y < 25; y++)
            for (int x = 0; x < 300; x++)
                if (b.GetPixel(x, y).Red < 100 && a.GetPixel(x, y).Red > 200)
                    dark++;
        Assert.True(dark > 20, $"only {dark} title pixels");
    }

    [Fact]
    public void SaveWritesPngAndSvgBesideIt()
    {
        using var dir = new TempFolder();
        Figure figure = Plots.Bars(["a", "b"], [1, -1], Small);
        var written = figure.Save(dir.File("figs/bars.png"));
        Assert.Equal([dir.File("figs/bars.png"), dir.File("figs/bars.svg")], written);
        AssertPng(File.ReadAllBytes(written[0]), 420, 300);
        AssertSvg(File.ReadAllText(written[1]), 420, 300);
        Assert.Equal(2, dir.Files().Length);
    }

    [Fact]
    public void RejectsEmptyOrMismatchedData()
    {
        Assert.Throws<ArgumentException>(() => Plots.Histogram([double.NaN], Small));
        Assert.Throws<ArgumentException>(() => Plots.Histogram([-double.MaxValue, double.MaxValue], Small));
        Assert.Throws<ArgumentException>(() => Plots.Lines([new PlotSeries("a", [1, 2], [1])], Small));
        Assert.Throws<ArgumentException>(() => Plots.Bars(["a"], [1, 2], Small));
        Assert.Throws<ArgumentException>(() => Plots.Heatmap(new double[2, 2], Small, rowLabels: ["only one"]));
        Assert.Throws<ArgumentException>(() => new Figure([1, 2, 3, 4, 5, 6, 7, 8], null, 10, 10)); // not a PNG
    }
}
