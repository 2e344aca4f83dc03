using ScottPlot;
using SkiaSharp;

namespace NeuroLens.Core.Reports;

/// <summary>
/// The plots the studies draw, rendered headless with ScottPlot 5 (SkiaSharp) to PNG and SVG:
/// histograms with an optional density curve, line and scatter plots, heatmaps with a colour bar, and
/// bar charts.
/// </summary>
/// <remarks>
/// Text is drawn with the first sans-serif family found among DejaVu Sans, Liberation Sans, Noto Sans,
/// Arial and Helvetica, else with ScottPlot's default. SkiaSharp's dependency-free Linux build reads
/// fonts from <c>/usr/share/fonts</c>; on a machine without any font (see
/// <see cref="TextRenderingAvailable"/>) plots still render, with lines, bars and colours but without
/// titles, labels or tick numbers in the PNG (the SVG names the font and is drawn by the viewer's
/// fonts). Installing <c>fonts-dejavu-core</c> gives complete PNGs. Non-finite values are left out of
/// every plot.
/// </remarks>
public static class Plots
{
    private static readonly string[] PreferredFonts = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];
    private static readonly Lazy<string?> SansFont = new(FindSansFont);

    /// <summary>True if the renderer found at least one font, so that PNG plots carry their text.</summary>
    public static bool TextRenderingAvailable => TextAvailable.Value;

    private static readonly Lazy<bool> TextAvailable = new(() =>
    {
        // Without fonts, Skia's font manager still lists one empty family, so look for glyphs.
        foreach (string family in SKFontManager.Default.GetFontFamilies())
        {
            using SKTypeface? typeface = SKFontManager.Default.MatchFamily(family);
            if (typeface is not null && typeface.GlyphCount > 0)
                return true;
        }
        return false;
    });

    /// <summary>The probability density of the standard normal distribution N(0, 1).</summary>
    /// <param name="x">Where to evaluate it.</param>
    /// <returns>exp(-x²/2) / √(2π).</returns>
    public static double StandardNormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    /// <summary>
    /// A histogram of <paramref name="values"/> with equal-width bins spanning their range. With a
    /// <paramref name="density"/> curve the bars are normalised to a probability density (area 1) so
    /// that the two are comparable; without one the bars show counts.
    /// </summary>
    /// <param name="values">The sample; non-finite values are ignored; at least one must be finite.</param>
    /// <param name="options">Titles and size.</param>
    /// <param name="bins">Number of bins, at least 1.</param>
    /// <param name="density">A probability density to overlay (e.g. <see cref="StandardNormalPdf"/>), or null.</param>
    /// <param name="densityLabel">Legend text of the density curve.</param>
    /// <returns>The rendered figure.</returns>
    public static Figure Histogram(IReadOnlyList<double> values, PlotOptions options, int bins = 40,
        Func<double, double>? density = null, string densityLabel = "density")
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        double[] finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
            throw new ArgumentException("a histogram needs at least one finite value", nameof(values));

        double lo = finite.Min(), hi = finite.Max();
        if (!double.IsFinite(hi - lo))
            throw new ArgumentException($"the values span [{lo}, {hi}], too wide for equal-width bins", nameof(values));
        if (lo == hi)
        {
            lo -= 0.5;
            hi += 0.5;
        }
        double width = (hi - lo) / bins;
        var counts = new double[bins];
        foreach (double v in finite)
            counts[Math.Min((int)((v - lo) / width), bins - 1)]++;
        double scale = density is null ? 1 : 1 / (finite.Length * width);

        Plot plot = NewPlot(options);
        var bars = new List<Bar>(bins);
        for (int i = 0; i < bins; i++)
        {
            bars.Add(new Bar
            {
                Position = lo + (i + 0.5) * width,
                Value = counts[i] * scale,
                Size = width,
                FillColor = Colors.SteelBlue.WithAlpha(0.75),
                LineWidth = 0,
            });
        }
        plot.Add.Bars(bars);
        if (density is not null)
        {
            const int points = 200;
            double[] xs = Enumerable.Range(0, points).Select(i => lo + (hi - lo) * i / (points - 1)).ToArray();
            double[] ys = xs.Select(density).ToArray();
            var curve = plot.Add.ScatterLine(xs, ys, Colors.OrangeRed);
            curve.LineWidth = 2;
            curve.LegendText = densityLabel;
            plot.ShowLegend(Alignment.UpperRight);
        }
        plot.Axes.Margins(left: 0.02, right: 0.02, bottom: 0, top: 0.1);
        if (options.YLabel.Length == 0)
            plot.YLabel(density is null ? "count" : "density");
        return Render(plot, options);
    }

    /// <summary>A line or scatter plot of one or more series, with a legend when any series has a label.</summary>
    /// <param name="series">The series, drawn in order with ScottPlot's default palette.</param>
    /// <param name="options">Titles and size.</param>
    /// <returns>The rendered figure.</returns>
    public static Figure Lines(IReadOnlyList<PlotSeries> series, PlotOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        if (series.Count == 0)
            throw new ArgumentException("expected at least one series", nameof(series));

        Plot plot = NewPlot(options);
        foreach (PlotSeries s in series)
        {
            if (s.X.Count != s.Y.Count)
                throw new ArgumentException($"series '{s.Label}': {s.X.Count} x values but {s.Y.Count} y values", nameof(series));
            var keep = Enumerable.Range(0, s.X.Count).Where(i => double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i])).ToArray();
            double[] xs = keep.Select(i => s.X[i]).ToArray();
            double[] ys = keep.Select(i => s.Y[i]).ToArray();
            if (xs.Length == 0)
                continue; // nothing to draw; an empty scatter would only add a legend entry
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = s.Label;
            scatter.LineWidth = s.Style == SeriesStyle.Markers ? 0 : 2;
            scatter.MarkerSize = s.Style == SeriesStyle.Line ? 0 : 6;
        }
        // Beside the data rather than over it: several curves fill the whole frame.
        if (series.Any(s => s.Label.Length > 0))
            plot.ShowLegend(Edge.Right);
        return Render(plot, options);
    }

    /// <summary>
    /// A heatmap of a matrix, row 0 at the top (as the matrix is printed), with a colour bar on the
    /// right. Axis ticks name the rows and columns (by <paramref name="rowLabels"/> and
    /// <paramref name="columnLabels"/>, or by index), thinned out to at most about 20 per axis.
    /// </summary>
    /// <param name="values">The matrix [row, column]; NaN cells are drawn transparent.</param>
    /// <param name="options">Titles and size.</param>
    /// <param name="rowLabels">One label per row, or null for the row index.</param>
    /// <param name="columnLabels">One label per column, or null for the column index.</param>
    /// <param name="colorBarLabel">Label of the colour bar (what the colour measures).</param>
    /// <returns>The rendered figure.</returns>
    public static Figure Heatmap(double[,] values, PlotOptions options, IReadOnlyList<string>? rowLabels = null,
        IReadOnlyList<string>? columnLabels = null, string colorBarLabel = "")
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(options);
        int rows = values.GetLength(0), cols = values.GetLength(1);
        if (rows == 0 || cols == 0)
            throw new ArgumentException("expected a non-empty matrix", nameof(values));
        if (rowLabels is not null && rowLabels.Count != rows)
            throw new ArgumentException($"expected {rows} row labels, got {rowLabels.Count}", nameof(rowLabels));
        if (columnLabels is not null && columnLabels.Count != cols)
            throw new ArgumentException($"expected {cols} column labels, got {columnLabels.Count}", nameof(columnLabels));

        Plot plot = NewPlot(options);
        // Infinite cells would stretch the colour scale to nothing; treat them as missing like NaN.
        var intensities = new double[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                intensities[r, c] = double.IsFinite(values[r, c]) ? values[r, c] : double.NaN;
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.NaNCellColor = Colors.Transparent;
        // Cell (r, c) is centred on x = c, y = rows - 1 - r, so row 0 is at the top.
        heatmap.Extent = new CoordinateRect(-0.5, cols - 0.5, -0.5, rows - 0.5);
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = colorBarLabel;

        SetCategoryTicks(plot.Axes.Bottom, cols, c => c, columnLabels);
        SetCategoryTicks(plot.Axes.Left, rows, r => rows - 1 - r, rowLabels);
        plot.Axes.SetLimits(-0.5, cols - 0.5, -0.5, rows - 0.5);
        plot.HideGrid();
        return Render(plot, options);
    }

    /// <summary>A bar chart with one bar per category, optionally with error bars.</summary>
    /// <param name="categories">Category names, shown under the bars.</param>
    /// <param name="values">Bar heights, one per category (non-finite heights leave the bar out).</param>
    /// <param name="options">Titles and size.</param>
    /// <param name="errors">Half-lengths of error bars, one per category, or null for none.</param>
    /// <returns>The rendered figure.</returns>
    public static Figure Bars(IReadOnlyList<string> categories, IReadOnlyList<double> values, PlotOptions options,
        IReadOnlyList<double>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(options);
        if (categories.Count == 0 || categories.Count != values.Count)
            throw new ArgumentException($"expected one value per category, got {categories.Count} categories and {values.Count} values", nameof(values));
        if (errors is not null && errors.Count != values.Count)
            throw new ArgumentException($"expected {values.Count} errors, got {errors.Count}", nameof(errors));

        Plot plot = NewPlot(options);
        var bars = new List<Bar>();
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
                continue;
            double error = errors is not null && double.IsFinite(errors[i]) ? errors[i] : 0;
            bars.Add(new Bar { Position = i, Value = values[i], Error = error, FillColor = Colors.SteelBlue });
        }
        plot.Add.Bars(bars);
        SetCategoryTicks(plot.Axes.Bottom, categories.Count, i => i, categories);
        if (categories.Count > 8 || categories.Any(c => c.Length > 12))
            RotateTickLabels(plot, categories);
        bool allNonNegative = bars.All(b => b.Value >= 0);
        plot.Axes.Margins(left: 0.05, right: 0.05, bottom: allNonNegative ? 0 : 0.1, top: 0.1);
        plot.HideGrid();
        return Render(plot, options);
    }

    /// <summary>
    /// Slants long category names so that they do not overlap: rotated 45° counter-clockwise and
    /// anchored at their right end, so they hang down and to the left of their tick; the bottom axis
    /// is made tall enough to hold the longest one.
    /// </summary>
    private static void RotateTickLabels(Plot plot, IReadOnlyList<string> labels)
    {
        LabelStyle style = plot.Axes.Bottom.TickLabelStyle;
        style.Rotation = -45;
        style.Alignment = Alignment.MiddleRight;
        using Paint paint = Paint.NewDisposablePaint();
        float widest = labels.Count == 0 ? 0 : labels.Max(l => style.Measure(l, paint).Width);
        float axisLabel = plot.Axes.Bottom.Label.Text.Length > 0 ? plot.Axes.Bottom.Label.FontSize * 2 : 0;
        plot.Axes.Bottom.MinimumSize = widest * MathF.Sqrt(0.5f) + style.FontSize + axisLabel + 10;
    }

    private static Plot NewPlot(PlotOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Height);
        var plot = new Plot();
        if (SansFont.Value is { } font)
            plot.Font.Set(font);
        if (options.Title.Length > 0)
            plot.Title(options.Title);
        if (options.XLabel.Length > 0)
            plot.XLabel(options.XLabel);
        if (options.YLabel.Length > 0)
            plot.YLabel(options.YLabel);
        return plot;
    }

    private static Figure Render(Plot plot, PlotOptions options)
    {
        byte[] png = plot.GetImageBytes(options.Width, options.Height, ImageFormat.Png);
        string? svg = options.Svg ? plot.GetSvgXml(options.Width, options.Height) : null;
        return new Figure(png, svg, options.Width, options.Height);
    }

    private static void SetCategoryTicks(IAxis axis, int count, Func<int, double> position, IReadOnlyList<string>? labels)
    {
        const int maxTicks = 20;
        int step = (count + maxTicks - 1) / maxTicks;
        var indexes = Enumerable.Range(0, count).Where(i => i % step == 0).ToArray();
        axis.SetTicks(
            indexes.Select(position).ToArray(),
            indexes.Select(i => labels?[i] ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    private static string? FindSansFont()
    {
        var families = SKFontManager.Default.GetFontFamilies().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return PreferredFonts.FirstOrDefault(families.Contains);
    }
}
