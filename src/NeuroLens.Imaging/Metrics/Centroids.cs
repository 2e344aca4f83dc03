using System.Numerics;

namespace NeuroLens.Imaging.Metrics;

/// <summary>The centre of mass of one labelled object.</summary>
/// <param name="Label">The object's label (or any identifier, for points that come from a detector).</param>
/// <param name="Z">Centre along z (0 for 2D images).</param>
/// <param name="Y">Centre along y.</param>
/// <param name="X">Centre along x.</param>
/// <param name="VoxelCount">Voxels of the object (1 for a bare point).</param>
public readonly record struct ObjectCentroid(ulong Label, double Z, double Y, double X, long VoxelCount)
{
    /// <summary>Euclidean distance to another centroid.</summary>
    public double DistanceTo(in ObjectCentroid other)
    {
        double dz = Z - other.Z, dy = Y - other.Y, dx = X - other.X;
        return Math.Sqrt(dz * dz + dy * dy + dx * dx);
    }
}

/// <summary>Object centroids of a label volume.</summary>
public static class Centroids
{
    /// <summary>
    /// The centroid of every non-zero label (0 is background), sorted by label. Coordinates are voxel
    /// indices (the centre of voxel (z, y, x) is at (z, y, x)), or physical units when
    /// <paramref name="physicalUnits"/> is set (multiplied by the volume's voxel size, so that
    /// anisotropic EM volumes measure distances correctly).
    /// </summary>
    /// <param name="labels">Object labels, first channel.</param>
    /// <param name="physicalUnits">Scale by <see cref="Volume{T}.VoxelSize"/>.</param>
    public static IReadOnlyList<ObjectCentroid> Of<TLabel>(Volume<TLabel> labels, bool physicalUnits = false)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        var sums = new Dictionary<ulong, (double Z, double Y, double X, long N)>();
        var data = labels.Data;
        for (int z = 0; z < labels.Depth; z++)
            for (int y = 0; y < labels.Height; y++)
            {
                int row = (z * labels.Height + y) * labels.Width;
                for (int x = 0; x < labels.Width; x++)
                {
                    TLabel l = data[row + x];
                    if (l == TLabel.Zero)
                        continue;
                    ref var s = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sums, ulong.CreateTruncating(l), out _);
                    s.Z += z;
                    s.Y += y;
                    s.X += x;
                    s.N++;
                }
            }
        double sz = physicalUnits ? labels.VoxelSize[0] : 1, sy = physicalUnits ? labels.VoxelSize[1] : 1, sx = physicalUnits ? labels.VoxelSize[2] : 1;
        return sums.OrderBy(kv => kv.Key)
            .Select(kv => new ObjectCentroid(kv.Key, sz * kv.Value.Z / kv.Value.N, sy * kv.Value.Y / kv.Value.N, sx * kv.Value.X / kv.Value.N, kv.Value.N))
            .ToArray();
    }
}
