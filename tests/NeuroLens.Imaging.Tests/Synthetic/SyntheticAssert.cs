using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

/// <summary>Checks shared by the generator tests, written independently of the generators' code.</summary>
internal static class SyntheticAssert
{
    /// <summary>Whether voxel centre (z, y, x) lies in the ellipsoid, from the object's public fields.</summary>
    public static bool InEllipsoid(PlacedObject o, double zScale, int z, int y, int x)
    {
        double[] p = [z * zScale - o.Center[0], y - o.Center[1], x - o.Center[2]];
        double q = 0;
        for (int k = 0; k < 3; k++)
        {
            double u = p[0] * o.Axes[3 * k] + p[1] * o.Axes[3 * k + 1] + p[2] * o.Axes[3 * k + 2];
            q += u * u / (o.Radii[k] * o.Radii[k]);
        }
        return q <= 1;
    }

    /// <summary>Number of 4- (2D) or 6-connected (3D) components of the voxels carrying <paramref name="label"/>.</summary>
    public static int ComponentCount(Volume<uint> labels, uint label)
    {
        int d = labels.Depth, h = labels.Height, w = labels.Width;
        var seen = new bool[labels.Data.Length];
        int components = 0;
        var stack = new Stack<(int, int, int)>();
        for (int z = 0; z < d; z++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    if (labels[z, y, x] != label || seen[labels.Index(z, y, x)]) continue;
                    components++;
                    seen[labels.Index(z, y, x)] = true;
                    stack.Push((z, y, x));
                    while (stack.Count > 0)
                    {
                        var (cz, cy, cx) = stack.Pop();
                        foreach (var (nz, ny, nx) in new[] { (cz, cy, cx - 1), (cz, cy, cx + 1), (cz, cy - 1, cx), (cz, cy + 1, cx), (cz - 1, cy, cx), (cz + 1, cy, cx) })
                        {
                            if (nz < 0 || ny < 0 || nx < 0 || nz >= d || ny >= h || nx >= w) continue;
                            long i = labels.Index(nz, ny, nx);
                            if (seen[i] || labels.Data[i] != label) continue;
                            seen[i] = true;
                            stack.Push((nz, ny, nx));
                        }
                    }
                }
        return components;
    }

    public static void AllIn01(Volume<float> image) =>
        Assert.All(image.Data, v => Assert.True(v >= 0 && v <= 1 && !float.IsNaN(v), $"value {v} outside [0, 1]"));

    public static void Identical(SyntheticSample a, SyntheticSample b)
    {
        Assert.Equal(a.Image.Data, b.Image.Data);
        Assert.Equal(a.Labels.Data, b.Labels.Data);
        Assert.Equal(a.Mask.Data, b.Mask.Data);
        Assert.Equal(a.Classes.Data, b.Classes.Data);
    }

    public static double MeanWhere(Volume<float> image, Func<long, bool> where)
    {
        double sum = 0;
        long n = 0;
        for (long i = 0; i < image.VoxelCount; i++)
            if (where(i))
            {
                sum += image.Data[i];
                n++;
            }
        return sum / n;
    }
}
