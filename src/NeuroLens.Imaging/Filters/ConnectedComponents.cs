using System.Numerics;
using NeuroLens.Core;

namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Connected-component labelling of a binary mask (non-zero is foreground) by a two-pass raster scan
/// with union-find. Connectivity: 4 or 8 for 2D images, 6, 18 or 26 for 3D volumes (face, face+edge,
/// face+edge+corner neighbours); the default is face connectivity, as <c>scipy.ndimage.label</c>.
/// Labels are 1..n in the raster order (z, then y, then x) of each component's first voxel; background
/// is 0.
/// </summary>
public static class ConnectedComponents
{
    /// <summary>Labels the components of <paramref name="mask"/>.</summary>
    /// <param name="mask">A single-channel mask; non-zero voxels are foreground.</param>
    /// <param name="count">The number of components n.</param>
    /// <param name="connectivity">4 or 8 (2D); 6, 18 or 26 (3D); null for face connectivity (4 or 6).</param>
    /// <returns>An int volume of labels 0..n.</returns>
    public static Volume<int> Label<T>(Volume<T> mask, out int count, int? connectivity = null)
        where T : unmanaged, INumberBase<T>
    {
        if (mask.Channels != 1)
            throw new NeuroLensException($"connected components need a single-channel mask, got {mask.Channels} channels.");
        var offsets = PreviousNeighbours(mask.Dimensions, connectivity ?? (mask.Dimensions == 2 ? 4 : 6));
        int d = mask.Depth, h = mask.Height, w = mask.Width;
        var labels = new int[mask.Data.Length];
        var parent = new int[64];
        int next = 1;
        int i = 0;
        for (int z = 0; z < d; z++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++, i++)
                {
                    if (T.IsZero(mask.Data[i])) continue;
                    int label = 0;
                    foreach (var (dz, dy, dx) in offsets)
                    {
                        int zz = z + dz, yy = y + dy, xx = x + dx;
                        if (zz < 0 || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                        int other = labels[(zz * h + yy) * w + xx];
                        if (other == 0) continue;
                        label = label == 0 ? Find(parent, other) : Union(parent, label, other);
                    }
                    if (label == 0)
                    {
                        if (next == parent.Length) Array.Resize(ref parent, parent.Length * 2);
                        parent[next] = next;
                        label = next++;
                    }
                    labels[i] = label;
                }
        // Second pass: final labels in raster order of each component's first voxel.
        var final = new int[next];
        count = 0;
        for (i = 0; i < labels.Length; i++)
        {
            if (labels[i] == 0) continue;
            int root = Find(parent, labels[i]);
            if (final[root] == 0) final[root] = ++count;
            labels[i] = final[root];
        }
        return new Volume<int>(labels, d, h, w, 1, mask.Dimensions) { VoxelSize = (double[])mask.VoxelSize.Clone() };
    }

    /// <summary>The neighbour offsets (dz, dy, dx) that precede a voxel in raster order.</summary>
    internal static (int Dz, int Dy, int Dx)[] PreviousNeighbours(int dimensions, int connectivity)
    {
        int maxL1 = (dimensions, connectivity) switch
        {
            (2, 4) or (3, 6) => 1,
            (2, 8) or (3, 18) => 2,
            (3, 26) => 3,
            _ => throw new NeuroLensException($"connectivity {connectivity} is not defined for {dimensions}D; use {(dimensions == 2 ? "4 or 8" : "6, 18 or 26")}."),
        };
        var result = new List<(int, int, int)>();
        int zr = dimensions == 3 ? 1 : 0;
        for (int dz = -zr; dz <= 0; dz++)
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    bool before = dz < 0 || (dz == 0 && (dy < 0 || (dy == 0 && dx < 0)));
                    if (before && Math.Abs(dz) + Math.Abs(dy) + Math.Abs(dx) <= maxL1) result.Add((dz, dy, dx));
                }
        return result.ToArray();
    }

    private static int Find(int[] parent, int a)
    {
        int root = a;
        while (parent[root] != root) root = parent[root];
        while (parent[a] != root)
        {
            int up = parent[a];
            parent[a] = root; // path compression
            a = up;
        }
        return root;
    }

    private static int Union(int[] parent, int a, int b)
    {
        int ra = Find(parent, a), rb = Find(parent, b);
        if (ra == rb) return ra;
        // The smaller provisional label becomes the root.
        if (ra < rb) { parent[rb] = ra; return ra; }
        parent[ra] = rb;
        return rb;
    }
}
