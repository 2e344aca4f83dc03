using NeuroLens.Core.IO;
namespace NeuroLens.Core.Reports;

/// <summary>
/// A rendered plot: PNG bytes, and the same plot as SVG text where the renderer produced one.
/// Made by <see cref="Plots"/>; saved with <see cref="Save"/> or embedded in a <see cref="Report"/>.
/// </summary>
public sealed class Figure
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly byte[] _png;

    /// <summary>Wraps an already rendered image.</summary>
    /// <param name="png">A PNG file's bytes (checked for the PNG signature).</param>
    /// <param name="svg">The same image as an SVG document, or null.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public Figure(byte[] png, string? svg, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(png);
        if (!png.AsSpan().StartsWith(PngSignature))
            throw new ArgumentException("expected PNG bytes (missing PNG signature)", nameof(png));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        _png = png;
        Svg = svg;
        Width = width;
        Height = height;
    }

    /// <summary>The PNG file's bytes.</summary>
    public ReadOnlyMemory<byte> Png => _png;

    /// <summary>The SVG document, or null if none was rendered.</summary>
    public string? Svg { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>
    /// Writes the PNG to <paramref name="pngPath"/> and, if there is an SVG, the SVG beside it with
    /// the extension <c>.svg</c>; each file atomically.
    /// </summary>
    /// <param name="pngPath">Target PNG file; must end in <c>.png</c>.</param>
    /// <returns>The paths written, PNG first.</returns>
    public IReadOnlyList<string> Save(string pngPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(pngPath);
        if (!pngPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"expected a path ending in .png, got '{pngPath}'", nameof(pngPath));
        AtomicFile.WriteAllBytes(pngPath, _png);
        if (Svg is null)
            return [pngPath];
        string svgPath = Path.ChangeExtension(pngPath, ".svg");
        AtomicFile.WriteAllText(svgPath, Svg);
        return [pngPath, svgPath];
    }
}
