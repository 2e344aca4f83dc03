using System.Numerics;
using NeuroLens.Core;

namespace NeuroLens.Imaging.Segmentation;

/// <summary>
/// Seeded watershed by priority flooding (Meyer's algorithm), following
/// <c>skimage.segmentation.watershed</c> without compactness.
/// </summary>
/// <remarks>
/// <para>Every seed voxel enters a priority queue keyed by (height, age); the lowest voxel leaves
/// first and hands its label to its unlabelled neighbours inside the mask, which enter the queue with
/// their own height. Age is the push counter: seeds enter in raster (C) order, and among equal
/// heights the earlier-pushed voxel leaves first (FIFO). Plateaus are therefore split by distance to
/// the seeds, and the result is deterministic.</para>
/// <para>Neighbours are visited by distance from the voxel, ties in raster order; this is
/// scikit-image's order for 2D and for 3D face connectivity, so those results match it exactly,
/// plateaus included. scikit-image gives all seeds age 0, so seeds of equal height may leave its heap
/// in another order, and its 3D full-connectivity neighbour order is not raster order: on ties only,
/// those cases can differ from it.</para>
/// <para>Height maps with at most 4096 distinct values (quantised probabilities, plateaus) are flooded
/// with Meyer's hierarchical queue (a FIFO per height), others with a 4-ary heap; both pop in the same
/// (height, age) order, so the choice changes only the speed.</para>
/// <para>Instance extraction composes it with the filters: seeds = connected components of the
/// maxima of the foreground's distance transform, heights = the boundary map (or the negated
/// distance), mask = the thresholded foreground.</para>
/// </remarks>
public static class Watershed
{
    /// <summary>Floods <paramref name="heights"/> from <paramref name="seeds"/>.</summary>
    /// <typeparam name="TLabel">Label type (<c>ulong</c> for CREMI neuron ids, <c>uint</c>, ...).</typeparam>
    /// <param name="heights">The height map (for example a boundary probability), one channel; NaN is rejected.</param>
    /// <param name="seeds">Seed labels, same shape; 0 marks unlabelled voxels.</param>
    /// <param name="mask">Voxels that may be labelled (true); outside it the result is 0 and seeds there are dropped. Null: everywhere.</param>
    /// <param name="connectivity">Faces (4 in 2D, 6 in 3D) or full (8, 26) neighbours.</param>
    /// <param name="watershedLines">When true, voxels reached by two different labels stay 0, leaving a
    /// one-voxel line between basins (scikit-image's <c>watershed_line=True</c>: such a voxel is
    /// labelled only when it leaves the queue, if its labelled neighbours agree).</param>
    /// <returns>A new label volume: each voxel carries the label of the basin that flooded it, 0 where
    /// no seed reached it (outside the mask, or cut off from every seed).</returns>
    public static Volume<TLabel> Run<TLabel>(
        Volume<float> heights, Volume<TLabel> seeds, Volume<bool>? mask = null,
        Connectivity connectivity = Connectivity.Faces, bool watershedLines = false)
        where TLabel : unmanaged, IBinaryInteger<TLabel> =>
        Run(heights, seeds, mask, connectivity, watershedLines, allowLevelQueue: true);

    /// <summary><see cref="Run{TLabel}(Volume{float}, Volume{TLabel}, Volume{bool}, Connectivity, bool)"/>; tests turn the level queue off to check the heap path on small inputs.</summary>
    internal static Volume<TLabel> Run<TLabel>(
        Volume<float> heights, Volume<TLabel> seeds, Volume<bool>? mask, Connectivity connectivity, bool watershedLines, bool allowLevelQueue)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        CheckShapes(heights, seeds, mask);
        int n = heights.Data.Length, width = heights.Width, height = heights.Height, depth = heights.Depth;
        var h = heights.Data;
        foreach (float value in h)
            if (float.IsNaN(value))
                throw new NeuroLensException("watershed heights contain NaN.");

        var result = new Volume<TLabel>(depth, height, width, 1, heights.Dimensions) { VoxelSize = (double[])seeds.VoxelSize.Clone() };
        var labels = result.Data;
        var open = new bool[n]; // may still be flooded: inside the mask and not a watershed line
        for (int i = 0; i < n; i++)
        {
            open[i] = mask is null || mask.Data[i];
            if (open[i])
                labels[i] = seeds.Data[i];
        }
        var nb = Neighbourhood.Create(heights.Dimensions, height, width, connectivity);
        // Few distinct heights (quantised maps, plateaus): Meyer's hierarchical queue, O(1) per voxel.
        // Otherwise a heap. Both pop in the same (height, age) order, so the result is the same.
        var levels = allowLevelQueue ? LevelQueue.TryCreate(h) : null;
        if (levels is not null)
            Flood(levels, labels, open, heights, nb, watershedLines);
        else
            Flood(new FloodQueue(Math.Min(n, 1 << 16), heights: h), labels, open, heights, nb, watershedLines);
        return result;
    }

    private static void Flood<TQueue, TLabel>(TQueue queue, TLabel[] labels, bool[] open, Volume<float> heights, Neighbourhood nb, bool watershedLines)
        where TQueue : class, IFloodQueue
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] != TLabel.Zero)
                queue.Push(i, i); // seeds in raster order
        int width = heights.Width, height = heights.Height, depth = heights.Depth;
        long plane = (long)height * width;
        bool is3D = heights.Dimensions == 3;
        Span<int> neighbours = stackalloc int[nb.Count];
        while (queue.Count > 0)
        {
            var (p, source) = queue.Pop();
            int found = Neighbours(p, width, height, depth, plane, is3D, nb, neighbours);
            if (watershedLines)
            {
                // Labelled only now, when all its lower neighbours have been decided.
                if (labels[p] != TLabel.Zero && p != source)
                    continue;
                if (!open[p] || TouchesTwoLabels(labels, open, neighbours[..found]))
                {
                    open[p] = false;
                    continue;
                }
                labels[p] = labels[source];
            }
            TLabel label = labels[p];
            foreach (int q in neighbours[..found])
            {
                if (!open[q] || labels[q] != TLabel.Zero)
                    continue;
                if (!watershedLines)
                    labels[q] = label; // cannot be reached at lower cost later: label on entry
                queue.Push(q, source);
            }
        }
    }

    /// <summary>Writes the in-bounds neighbours of voxel <paramref name="p"/> in neighbourhood order; returns their number.</summary>
    private static int Neighbours(int p, int width, int height, int depth, long plane, bool is3D, Neighbourhood nb, Span<int> result)
    {
        int x = p % width, y = (int)(p / width % height), z = (int)(p / plane);
        var flat = nb.Flat;
        bool interior = x > 0 && x < width - 1 && y > 0 && y < height - 1 && (!is3D || (z > 0 && z < depth - 1));
        if (interior)
        {
            for (int i = 0; i < flat.Length; i++)
                result[i] = (int)(p + flat[i]);
            return flat.Length;
        }
        int found = 0;
        for (int i = 0; i < flat.Length; i++)
        {
            int zz = z + nb.Dz[i], yy = y + nb.Dy[i], xx = x + nb.Dx[i];
            if ((uint)zz < (uint)depth && (uint)yy < (uint)height && (uint)xx < (uint)width)
                result[found++] = (int)(p + flat[i]);
        }
        return found;
    }

    /// <summary>scikit-image's test for a watershed-line voxel: two different non-zero labels among its open neighbours.</summary>
    private static bool TouchesTwoLabels<TLabel>(TLabel[] labels, bool[] open, ReadOnlySpan<int> neighbours)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        TLabel first = TLabel.Zero;
        foreach (int q in neighbours)
        {
            if (!open[q])
                continue;
            if (first == TLabel.Zero)
                first = labels[q];
            else if (labels[q] != TLabel.Zero && labels[q] != first)
                return true;
        }
        return false;
    }

    internal static void CheckShapes<TLabel>(Volume<float> heights, Volume<TLabel> labels, Volume<bool>? mask)
        where TLabel : unmanaged
    {
        if (heights.Channels != 1 || labels.Channels != 1 || (mask is not null && mask.Channels != 1))
            throw new NeuroLensException("watershed inputs must have one channel.");
        if (!SameShape(heights, labels) || (mask is not null && !SameShape(heights, mask)))
            throw new NeuroLensException($"watershed inputs differ in shape: heights {heights}, labels {labels}" + (mask is null ? "." : $", mask {mask}."));
    }

    internal static bool SameShape<TA, TB>(Volume<TA> a, Volume<TB> b) where TA : unmanaged where TB : unmanaged =>
        a.Depth == b.Depth && a.Height == b.Height && a.Width == b.Width && a.Dimensions == b.Dimensions;
}
