namespace NeuroLens.Imaging.Pyramids;

/// <summary>A chunk of a <see cref="ChunkGrid"/>: its pyramid level and chunk coordinates (z-y-x; z = 0 for 2D).</summary>
/// <param name="Level">The pyramid level k (0 = full resolution).</param>
/// <param name="Z">Chunk coordinate along z.</param>
/// <param name="Y">Chunk coordinate along y.</param>
/// <param name="X">Chunk coordinate along x.</param>
public readonly record struct ChunkIndex(int Level, int Z, int Y, int X)
{
    /// <inheritdoc />
    public override string ToString() => $"level {Level} chunk ({Z}, {Y}, {X})";
}
