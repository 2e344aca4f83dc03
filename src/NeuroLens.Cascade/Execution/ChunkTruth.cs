using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Cascade.Execution;

/// <summary>
/// Ground-truth chunk labels on every level of a <see cref="ChunkGrid"/> (cascade.md §1): a level-0 chunk
/// is positive when it holds at least <c>minVoxels</c> object voxels; a level-k chunk is positive when
/// any of its children is (OR rule), so ancestors of a positive chunk are positive.
/// </summary>
public sealed class ChunkTruth
{
    private readonly bool[][] _labels;

    private ChunkTruth(ChunkGrid grid, bool[] level0)
    {
        Grid = grid;
        _labels = new bool[grid.Levels][];
        _labels[0] = level0;
        for (int k = 1; k < grid.Levels; k++)
        {
            _labels[k] = new bool[grid.ChunkCount(k)];
            foreach (var chunk in grid.Chunks(k - 1))
                if (this[chunk]) _labels[k][Index(grid.Parent(chunk))] = true;
        }
    }

    /// <summary>The grid the labels live on.</summary>
    public ChunkGrid Grid { get; }

    /// <summary>Whether <paramref name="chunk"/> is truly positive.</summary>
    public bool this[ChunkIndex chunk] => _labels[chunk.Level][Index(chunk)];

    /// <summary>Number of positive chunks at <paramref name="level"/>.</summary>
    public long Positives(int level) => _labels[level].LongCount(b => b);

    /// <summary>Fraction of positive level-0 chunks: the empirical prevalence p.</summary>
    public double Prevalence => (double)Positives(0) / _labels[0].Length;

    /// <summary>Labels from a binary mask at level 0 (non-zero = object voxel).</summary>
    /// <param name="mask">The level-0 mask, same spatial shape as the grid's level 0.</param>
    /// <param name="grid">The chunk grid.</param>
    /// <param name="minVoxels">Object voxels a level-0 chunk needs to be positive, ≥ 1.</param>
    public static ChunkTruth FromMask(Volume<byte> mask, ChunkGrid grid, int minVoxels = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minVoxels, 1);
        var level0 = new bool[grid.ChunkCount(0)];
        foreach (var chunk in grid.Chunks(0))
        {
            var box = grid.ChunkBox(chunk);
            long count = 0;
            for (int z = box.Z0; z < box.Z1 && count < minVoxels; z++)
                for (int y = box.Y0; y < box.Y1; y++)
                    foreach (var v in mask.Data.AsSpan(checked((int)mask.Index(z, y, box.X0)), box.Width))
                        if (v != 0) count++;
            level0[Index(grid, chunk)] = count >= minVoxels;
        }
        return new ChunkTruth(grid, level0);
    }

    /// <summary>Labels given directly for every level-0 chunk (e.g. sampled i.i.d. Bernoulli(p) in tests).</summary>
    /// <param name="grid">The chunk grid.</param>
    /// <param name="label">The label of each level-0 chunk.</param>
    public static ChunkTruth FromLevel0(ChunkGrid grid, Func<ChunkIndex, bool> label)
    {
        var level0 = new bool[grid.ChunkCount(0)];
        foreach (var chunk in grid.Chunks(0)) level0[Index(grid, chunk)] = label(chunk);
        return new ChunkTruth(grid, level0);
    }

    private int Index(ChunkIndex chunk) => Index(Grid, chunk);

    internal static int Index(ChunkGrid grid, ChunkIndex chunk)
    {
        var (_, ny, nx) = grid.ChunkCounts(chunk.Level);
        return checked((chunk.Z * ny + chunk.Y) * nx + chunk.X);
    }
}
