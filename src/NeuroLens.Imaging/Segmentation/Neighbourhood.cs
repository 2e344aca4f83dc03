using NeuroLens.Core;

namespace NeuroLens.Imaging.Segmentation;

/// <summary>
/// The neighbour offsets of a voxel in a C-order volume, in the order scikit-image visits them for
/// face connectivity and for 2D: by distance from the centre, ties by raveled offset ascending.
/// </summary>
internal sealed class Neighbourhood
{
    private Neighbourhood(int[] dz, int[] dy, int[] dx, long[] flat)
    {
        Dz = dz;
        Dy = dy;
        Dx = dx;
        Flat = flat;
    }

    /// <summary>Offsets along z, y, x and as flat-index offsets.</summary>
    public int[] Dz { get; }
    public int[] Dy { get; }
    public int[] Dx { get; }
    public long[] Flat { get; }

    public int Count => Flat.Length;

    /// <summary>All neighbours of a voxel in a volume of the given extents.</summary>
    public static Neighbourhood Create(int dimensions, int height, int width, Connectivity connectivity) =>
        Build(dimensions, height, width, connectivity, forwardOnly: false);

    /// <summary>Half of the neighbours (those after the voxel in raster order), so each neighbour pair is seen once.</summary>
    public static Neighbourhood Forward(int dimensions, int height, int width, Connectivity connectivity) =>
        Build(dimensions, height, width, connectivity, forwardOnly: true);

    private static Neighbourhood Build(int dimensions, int height, int width, Connectivity connectivity, bool forwardOnly)
    {
        if (connectivity is not (Connectivity.Faces or Connectivity.Full))
            throw new NeuroLensException($"connectivity {(int)connectivity} is not Faces (1) or Full (2).");
        var list = new List<(int Distance2, long Flat, int Dz, int Dy, int Dx)>();
        int zRange = dimensions == 3 ? 1 : 0;
        for (int dz = -zRange; dz <= zRange; dz++)
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int d2 = dz * dz + dy * dy + dx * dx;
                    if (d2 == 0 || (connectivity == Connectivity.Faces && d2 > 1))
                        continue;
                    long flat = ((long)dz * height + dy) * width + dx;
                    bool forward = dz > 0 || (dz == 0 && (dy > 0 || (dy == 0 && dx > 0)));
                    if (forwardOnly && !forward)
                        continue;
                    list.Add((d2, flat, dz, dy, dx));
                }
        list.Sort((a, b) => a.Distance2 != b.Distance2 ? a.Distance2.CompareTo(b.Distance2) : a.Flat.CompareTo(b.Flat));
        return new Neighbourhood(
            list.Select(o => o.Dz).ToArray(), list.Select(o => o.Dy).ToArray(),
            list.Select(o => o.Dx).ToArray(), list.Select(o => o.Flat).ToArray());
    }
}
