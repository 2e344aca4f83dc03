namespace NeuroLens.Core.Reports;

/// <summary>Titles and size shared by every kind of plot in <see cref="Plots"/>.</summary>
public sealed record PlotOptions
{
    /// <summary>Title above the plot; empty for none.</summary>
    public string Title { get; init; } = "";

    /// <summary>Label of the horizontal axis; empty for none.</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Label of the vertical axis; empty for none.</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Width of the image in pixels.</summary>
    public int Width { get; init; } = 800;

    /// <summary>Height of the image in pixels.</summary>
    public int Height { get; init; } = 500;

    /// <summary>Whether to render an SVG beside the PNG (vector output, a few tens of kB).</summary>
    public bool Svg { get; init; } = true;
}
