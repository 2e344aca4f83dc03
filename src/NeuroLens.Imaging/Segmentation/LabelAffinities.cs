using NeuroLens.Core;

namespace NeuroLens.Imaging.Segmentation;

/// <summary>
/// Affinity targets of an instance labelling, for U-Nets with affinity output: channel k holds 1 where a
/// voxel and its neighbour at <c>−offset[k]</c> carry the same non-zero label, else 0 (also where the
/// neighbour falls outside the volume). This is the convention of the connectomics affinity literature
/// (e.g. the nearest-neighbour affinities −z, −y, −x): the edge is stored at the voxel it points from.
/// </summary>
public static class LabelAffinities
{
    /// <summary>The nearest-neighbour offsets: (−y, −x) for 2D and (−z, −y, −x) for 3D, in z-y-x order.</summary>
    public static int[][] NearestNeighbour(int dimensions) =>
        dimensions == 3 ? [[1, 0, 0], [0, 1, 0], [0, 0, 1]] : [[0, 1, 0], [0, 0, 1]];

    /// <summary>One channel per offset (z, y, x each ≥ 0), same extents as <paramref name="labels"/>.</summary>
    public static Volume<float> Of(Volume<uint> labels, IReadOnlyList<int[]>? offsets = null)
    {
        offsets ??= NearestNeighbour(labels.Dimensions);
        if (offsets.Count == 0 || offsets.Any(o => o.Length != 3 || o.Any(v => v < 0) || o.All(v => v == 0)))
            throw new NeuroLensException("affinity offsets are non-zero (z, y, x) triples of non-negative steps.");
        var result = new Volume<float>(labels.Depth, labels.Height, labels.Width, offsets.Count, labels.Dimensions) { VoxelSize = labels.VoxelSize };
        for (int k = 0; k < offsets.Count; k++)
        {
            int dz = offsets[k][0], dy = offsets[k][1], dx = offsets[k][2];
            int channel = k;
            Parallel.For(dz, labels.Depth, Core.Runtime.ComputeSettings.ParallelOptions, z =>
            {
                for (int y = dy; y < labels.Height; y++)
                    for (int x = dx; x < labels.Width; x++)
                    {
                        uint a = labels[z, y, x], b = labels[z - dz, y - dy, x - dx];
                        if (a != 0 && a == b) result[z, y, x, channel] = 1;
                    }
            });
        }
        return result;
    }
}
