namespace NeuroLens.Imaging.Pyramids;

/// <summary>
/// One step of chunked processing: the chunk's own region, the region to read (the chunk grown by a
/// halo and clipped to the volume), and where the chunk lies inside what was read.
/// </summary>
/// <param name="Inner">The chunk's region (clipped to the volume): what a result is written back to.</param>
/// <param name="Outer">The chunk plus its halo, clipped to the volume: what is read and processed.</param>
public readonly record struct ChunkWindow(Box Inner, Box Outer)
{
    /// <summary><see cref="Inner"/> in the coordinates of a crop of <see cref="Outer"/>.</summary>
    public Box InnerInOuter => Inner with { Z0 = Inner.Z0 - Outer.Z0, Y0 = Inner.Y0 - Outer.Y0, X0 = Inner.X0 - Outer.X0 };
}
