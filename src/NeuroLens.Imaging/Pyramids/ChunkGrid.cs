using NeuroLens.Core;

namespace NeuroLens.Imaging.Pyramids;

/// <summary>
/// Aligned chunk grids over the levels of a pyramid (cascade.md §1). Every level is cut into chunks of
/// the same size s (per axis, in that level's voxels), starting at the origin. Because level k is level
/// k − 1 downsampled by r, one level-k chunk covers exactly r^d level-(k−1) chunks (d = 2 or 3; z is
/// never downsampled in 2D) and r^{dk} level-0 chunks, and its level-0 footprint is the union of its
/// children's.
/// </summary>
/// <remarks>
/// Level k has extents ⌈n / r^k⌉ (as <see cref="Pyramid"/> builds it) and ⌈n / (s·r^k)⌉ chunks per axis.
/// Chunks at the far border are partial: their boxes are clipped to the level, and children that would
/// fall outside the image do not exist. A chunk is an edge chunk when its level-0 footprint is clipped by
/// the image border (this includes every chunk that is partial at its own level); per axis,
/// ⌊n / (s·r^k)⌋ chunks are whole.
/// </remarks>
public sealed class ChunkGrid
{
    private readonly int[] _shape;     // level-0 extents z-y-x (z = 1 for 2D)
    private readonly int[] _chunk;     // chunk size z-y-x (z = 1 for 2D)
    private readonly int[] _factor;    // r per axis z-y-x (z = 1 for 2D)

    /// <summary>Creates the grid.</summary>
    /// <param name="shape">Level-0 spatial extents, z-y-x for 3D or y-x for 2D.</param>
    /// <param name="chunkSize">Chunk size per axis in voxels (same order and length as <paramref name="shape"/>).</param>
    /// <param name="levels">Number of pyramid levels, ≥ 1.</param>
    /// <param name="factor">Downsampling factor r ≥ 2 between levels.</param>
    public ChunkGrid(int[] shape, int[] chunkSize, int levels = 1, int factor = 2)
    {
        if (shape.Length is not (2 or 3) || chunkSize.Length != shape.Length)
            throw new NeuroLensException($"chunk grid: shape has {shape.Length} axes and chunk size {chunkSize.Length}; both must be 2 (y, x) or 3 (z, y, x).");
        if (shape.Any(n => n <= 0) || chunkSize.Any(s => s <= 0))
            throw new NeuroLensException($"chunk grid: extents [{string.Join(", ", shape)}] and chunk size [{string.Join(", ", chunkSize)}] must be positive.");
        if (levels < 1 || factor < 2)
            throw new NeuroLensException($"chunk grid: needs levels ≥ 1 and factor ≥ 2, got {levels} and {factor}.");
        Dimensions = shape.Length;
        Levels = levels;
        Factor = factor;
        _shape = Dimensions == 3 ? (int[])shape.Clone() : [1, shape[0], shape[1]];
        _chunk = Dimensions == 3 ? (int[])chunkSize.Clone() : [1, chunkSize[0], chunkSize[1]];
        _factor = Dimensions == 3 ? [factor, factor, factor] : [1, factor, factor];
    }

    /// <summary>A grid over <paramref name="volume"/>'s spatial shape.</summary>
    /// <param name="volume">The level-0 image or volume.</param>
    /// <param name="chunkSize">Chunk size per axis, z-y-x for 3D or y-x for 2D.</param>
    /// <param name="levels">Number of pyramid levels, ≥ 1.</param>
    /// <param name="factor">Downsampling factor r ≥ 2 between levels.</param>
    public static ChunkGrid For<T>(Volume<T> volume, int[] chunkSize, int levels = 1, int factor = 2) where T : unmanaged =>
        new(volume.Shape, chunkSize, levels, factor);

    /// <summary>2 or 3.</summary>
    public int Dimensions { get; }
    /// <summary>Number of levels.</summary>
    public int Levels { get; }
    /// <summary>The downsampling factor r between levels.</summary>
    public int Factor { get; }
    /// <summary>Children of a chunk that is not on the border: r^d.</summary>
    public int ChildrenPerParent => Dimensions == 3 ? Factor * Factor * Factor : Factor * Factor;

    /// <summary>The extent of level <paramref name="level"/> as a box at the origin (⌈n / r^k⌉ per downsampled axis).</summary>
    public Box LevelBounds(int level)
    {
        CheckLevel(level);
        var e = new int[3];
        for (int a = 0; a < 3; a++)
        {
            e[a] = _shape[a];
            for (int k = 0; k < level; k++) e[a] = (e[a] + _factor[a] - 1) / _factor[a];
        }
        return new Box(0, 0, 0, e[0], e[1], e[2]);
    }

    /// <summary>Chunks per axis at <paramref name="level"/>, z-y-x (z = 1 for 2D).</summary>
    public (int Z, int Y, int X) ChunkCounts(int level)
    {
        var b = LevelBounds(level);
        return (Ceil(b.Depth, _chunk[0]), Ceil(b.Height, _chunk[1]), Ceil(b.Width, _chunk[2]));
    }

    /// <summary>Total chunks at <paramref name="level"/>, edge chunks included.</summary>
    public long ChunkCount(int level)
    {
        var (z, y, x) = ChunkCounts(level);
        return (long)z * y * x;
    }

    /// <summary>Edge chunks at <paramref name="level"/>: those whose level-0 footprint the image border clips.</summary>
    public long EdgeChunkCount(int level)
    {
        CheckLevel(level);
        long whole = 1;
        for (int a = 0; a < 3; a++) whole *= _shape[a] / Span(a, level);
        return ChunkCount(level) - whole;
    }

    /// <summary>Whether <paramref name="chunk"/> lies in the grid.</summary>
    public bool Contains(ChunkIndex chunk)
    {
        if (chunk.Level < 0 || chunk.Level >= Levels) return false;
        var (z, y, x) = ChunkCounts(chunk.Level);
        return chunk.Z >= 0 && chunk.Y >= 0 && chunk.X >= 0 && chunk.Z < z && chunk.Y < y && chunk.X < x;
    }

    /// <summary>The chunk's region in its own level's voxels, clipped to that level.</summary>
    public Box ChunkBox(ChunkIndex chunk)
    {
        Check(chunk);
        var box = new Box(chunk.Z * _chunk[0], chunk.Y * _chunk[1], chunk.X * _chunk[2], _chunk[0], _chunk[1], _chunk[2]);
        return Box.Intersect(box, LevelBounds(chunk.Level));
    }

    /// <summary>The chunk's footprint in level-0 voxels (s·r^k per downsampled axis), clipped to the image.</summary>
    public Box ChunkBoxAtLevel0(ChunkIndex chunk)
    {
        Check(chunk);
        long z0 = (long)chunk.Z * Span(0, chunk.Level), y0 = (long)chunk.Y * Span(1, chunk.Level), x0 = (long)chunk.X * Span(2, chunk.Level);
        int Clip(long v, int a) => (int)Math.Min(v, _shape[a]);
        int z1 = Clip(z0 + Span(0, chunk.Level), 0), y1 = Clip(y0 + Span(1, chunk.Level), 1), x1 = Clip(x0 + Span(2, chunk.Level), 2);
        return new Box((int)z0, (int)y0, (int)x0, z1 - (int)z0, y1 - (int)y0, x1 - (int)x0);
    }

    /// <summary>Whether the chunk is an edge chunk (its level-0 footprint is clipped by the image border).</summary>
    public bool IsEdge(ChunkIndex chunk)
    {
        var b = ChunkBoxAtLevel0(chunk);
        return b.Depth < Span(0, chunk.Level) || b.Height < Span(1, chunk.Level) || b.Width < Span(2, chunk.Level);
    }

    /// <summary>The level-(k+1) chunk that contains <paramref name="chunk"/>.</summary>
    public ChunkIndex Parent(ChunkIndex chunk)
    {
        Check(chunk);
        if (chunk.Level + 1 >= Levels)
            throw new NeuroLensException($"{chunk} is on the top level {Levels - 1} and has no parent.");
        return new ChunkIndex(chunk.Level + 1, chunk.Z / _factor[0], chunk.Y / _factor[1], chunk.X / _factor[2]);
    }

    /// <summary>The chunk at <paramref name="level"/> (≥ the chunk's level) that contains <paramref name="chunk"/>.</summary>
    public ChunkIndex Ancestor(ChunkIndex chunk, int level)
    {
        Check(chunk);
        CheckLevel(level);
        if (level < chunk.Level)
            throw new NeuroLensException($"level {level} is below {chunk}; ancestors are at its level or above.");
        int up = level - chunk.Level;
        return new ChunkIndex(level, chunk.Z / Power(0, up), chunk.Y / Power(1, up), chunk.X / Power(2, up));
    }

    /// <summary>The level-(k−1) chunks inside <paramref name="chunk"/> that exist (r^d unless on the border), raster order.</summary>
    public IReadOnlyList<ChunkIndex> Children(ChunkIndex chunk)
    {
        Check(chunk);
        if (chunk.Level == 0)
            throw new NeuroLensException($"{chunk} is on level 0 and has no children.");
        var (nz, ny, nx) = ChunkCounts(chunk.Level - 1);
        var result = new List<ChunkIndex>(ChildrenPerParent);
        for (int z = chunk.Z * _factor[0]; z < Math.Min(nz, (chunk.Z + 1) * _factor[0]); z++)
            for (int y = chunk.Y * _factor[1]; y < Math.Min(ny, (chunk.Y + 1) * _factor[1]); y++)
                for (int x = chunk.X * _factor[2]; x < Math.Min(nx, (chunk.X + 1) * _factor[2]); x++)
                    result.Add(new ChunkIndex(chunk.Level - 1, z, y, x));
        return result;
    }

    /// <summary>All chunks of <paramref name="level"/> in raster order.</summary>
    public IEnumerable<ChunkIndex> Chunks(int level)
    {
        var (nz, ny, nx) = ChunkCounts(level);
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                    yield return new ChunkIndex(level, z, y, x);
    }

    /// <summary>
    /// The chunks of <paramref name="level"/> as processing windows in that level's voxels: each chunk's
    /// box and the box grown by <paramref name="halo"/> voxels (z only for 3D), clipped to the level.
    /// </summary>
    public IEnumerable<ChunkWindow> Windows(int level, int halo)
    {
        var bounds = LevelBounds(level);
        foreach (var chunk in Chunks(level))
        {
            var inner = ChunkBox(chunk);
            yield return new ChunkWindow(inner, inner.Grow(halo, bounds, Dimensions == 3));
        }
    }

    // Level-0 voxels spanned by one level-k chunk along axis a: s·r^k.
    private long Span(int a, int level) => _chunk[a] * (long)Power(a, level);

    private int Power(int a, int exponent)
    {
        long p = 1;
        for (int i = 0; i < exponent; i++) p = checked(p * _factor[a]);
        return checked((int)p);
    }

    private static int Ceil(int n, int s) => (n + s - 1) / s;

    private void CheckLevel(int level)
    {
        if (level < 0 || level >= Levels)
            throw new NeuroLensException($"level {level} is outside the grid's levels 0..{Levels - 1}.");
    }

    private void Check(ChunkIndex chunk)
    {
        if (!Contains(chunk))
            throw new NeuroLensException($"{chunk} is outside the chunk grid.");
    }
}
