namespace NeuroLens.Core.Reports;

/// <summary>How a <see cref="PlotSeries"/> is drawn.</summary>
public enum SeriesStyle
{
    /// <summary>Points joined by a line, no markers.</summary>
    Line,

    /// <summary>Markers only (a scatter plot).</summary>
    Markers,

    /// <summary>Markers joined by a line.</summary>
    LineAndMarkers,
}

/// <summary>One named series of a line or scatter plot (see <see cref="Plots.Lines"/>).</summary>
/// <param name="Label">Legend text; empty to leave the series out of the legend.</param>
/// <param name="X">Horizontal coordinates.</param>
/// <param name="Y">Vertical coordinates, one per <paramref name="X"/>.</param>
/// <param name="Style">How the series is drawn.</param>
public sealed record PlotSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, SeriesStyle Style = SeriesStyle.Line);
