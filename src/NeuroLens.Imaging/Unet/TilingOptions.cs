namespace NeuroLens.Imaging.Unet;

/// <summary>Options of <see cref="TiledInference"/>.</summary>
public sealed record TilingOptions
{
    /// <summary>
    /// Tile size per spatial axis of the network (y, x in 2D; z, y, x in 3D), each a multiple of
    /// <see cref="UNetConfig.SizeMultiple"/>. Null: 128 in y and x, 32 in z, rounded up to those multiples.
    /// </summary>
    public int[]? TileSize { get; init; }

    /// <summary>
    /// Overlap of neighbouring tiles per axis. Null: a quarter of the tile size. It is reduced where needed
    /// so that the stride (tile − overlap) is a multiple of <see cref="UNetConfig.SizeMultiple"/>: every
    /// tile then sees the network's pooling grid aligned as a single pass over the whole image would.
    /// </summary>
    public int[]? Overlap { get; init; }

    /// <summary>
    /// Width of the band at each tile edge whose predictions get zero weight, per axis: those pixels saw
    /// the tile's zero padding instead of image context. Null: a quarter of the (effective) overlap. At
    /// most half the overlap; with a halo at least the network's receptive-field radius, the interior of
    /// a tiled prediction equals a single pass over the whole image.
    /// </summary>
    public int[]? Halo { get; init; }

    /// <summary>Tiles per forward pass.</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Return probabilities (sigmoid of the logits) rather than logits; blending happens on what is returned.</summary>
    public bool Probabilities { get; init; } = true;
}
