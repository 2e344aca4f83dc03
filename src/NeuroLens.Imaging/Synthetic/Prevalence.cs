using NeuroLens.Core;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// Object prevalence as the cascade study defines it (cascade.md §1): the fraction of level-0 chunks
/// that contain an object. Chunks lie on an aligned grid from the origin; edge chunks that do not
/// divide evenly are partial chunks and count as chunks. For 2D images the z chunk extent is ignored.
/// </summary>
public static class Prevalence
{
    /// <summary>
    /// The fraction of chunks of <paramref name="chunkSize"/> voxels per spatial axis that hold at least
    /// <paramref name="minVoxels"/> non-zero voxels of channel 0 of <paramref name="mask"/>.
    /// </summary>
    public static double Measure(Volume<byte> mask, int chunkSize, int minVoxels = 1) =>
        Measure(mask, chunkSize, chunkSize, chunkSize, minVoxels);

    /// <summary>As <see cref="Measure(Volume{byte}, int, int)"/> with a chunk extent per axis (z, y, x).</summary>
    public static double Measure(Volume<byte> mask, int chunkDepth, int chunkHeight, int chunkWidth, int minVoxels = 1)
    {
        var counts = ChunkCounts(mask, chunkDepth, chunkHeight, chunkWidth);
        if (minVoxels < 1) throw new NeuroLensException($"prevalence: minVoxels must be at least 1, got {minVoxels}.");
        return counts.Count(c => c >= minVoxels) / (double)counts.Length;
    }

    /// <summary>As <see cref="Measure(Volume{byte}, int, int)"/> for instance labels (non-zero is object).</summary>
    public static double Measure(Volume<uint> labels, int chunkSize, int minVoxels = 1)
    {
        var mask = new Volume<byte>(labels.Depth, labels.Height, labels.Width, 1, labels.Dimensions);
        var src = labels.Channel(0);
        for (int i = 0; i < src.Length; i++) mask.Data[i] = src[i] != 0 ? (byte)1 : (byte)0;
        return Measure(mask, chunkSize, minVoxels);
    }

    /// <summary>
    /// Object voxels per chunk, chunks in C order over the (z, y, x) chunk grid, which has
    /// ⌈depth/chunkDepth⌉ × ⌈height/chunkHeight⌉ × ⌈width/chunkWidth⌉ chunks (depth 1 for 2D).
    /// </summary>
    public static int[] ChunkCounts(Volume<byte> mask, int chunkDepth, int chunkHeight, int chunkWidth)
    {
        if (chunkDepth < 1 || chunkHeight < 1 || chunkWidth < 1)
            throw new NeuroLensException($"prevalence: chunk extents must be positive, got {chunkDepth}×{chunkHeight}×{chunkWidth}.");
        var grid = new ChunkGrid(mask.Depth, mask.Height, mask.Width, mask.Dimensions == 2 ? 1 : chunkDepth, chunkHeight, chunkWidth);
        var counts = new int[grid.Count];
        var data = mask.Channel(0);
        for (int z = 0; z < mask.Depth; z++)
            for (int y = 0; y < mask.Height; y++)
            {
                int row = (z * mask.Height + y) * mask.Width;
                for (int x = 0; x < mask.Width; x++)
                    if (data[row + x] != 0) counts[grid.ChunkOf(z, y, x)]++;
            }
        return counts;
    }

    /// <summary>
    /// The object density (expected objects per 10⁶ voxels) at which independently placed objects of
    /// radius <paramref name="radius"/> give prevalence <paramref name="prevalence"/> on chunks of
    /// <paramref name="chunkSize"/>: a chunk is hit when an object centre falls in the chunk grown by the
    /// radius, so p = 1 − exp(−λ (c + 2r)^d) and λ = −ln(1 − p) / (c + 2r)^d. Overlap rejection and
    /// clustering make the real prevalence lower; use a target prevalence for exact control.
    /// </summary>
    public static double DensityFor(double prevalence, int chunkSize, double radius, int dimensions)
    {
        if (prevalence is < 0 or >= 1) throw new NeuroLensException($"prevalence must lie in [0, 1), got {prevalence}.");
        return -Math.Log(1 - prevalence) / Math.Pow(chunkSize + 2 * radius, dimensions) * 1e6;
    }
}

/// <summary>An aligned chunk grid over a volume (partial edge chunks included).</summary>
internal readonly struct ChunkGrid
{
    private readonly int _cd, _ch, _cw, _ny, _nx;

    public ChunkGrid(int depth, int height, int width, int chunkDepth, int chunkHeight, int chunkWidth)
    {
        (_cd, _ch, _cw) = (chunkDepth, chunkHeight, chunkWidth);
        int nz = (depth + chunkDepth - 1) / chunkDepth;
        _ny = (height + chunkHeight - 1) / chunkHeight;
        _nx = (width + chunkWidth - 1) / chunkWidth;
        Count = nz * _ny * _nx;
    }

    /// <summary>Number of chunks.</summary>
    public int Count { get; }

    /// <summary>The chunk holding voxel (z, y, x).</summary>
    public int ChunkOf(int z, int y, int x) => ((z / _cd) * _ny + y / _ch) * _nx + x / _cw;
}
