using System.Numerics;
using NeuroLens.Core;

namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Plateau-aware local maxima of a single-channel image or volume.
/// </summary>
/// <remarks>
/// The rule, with r = <c>minDistance</c> (Chebyshev radius, default 1: the 8 or 26 direct neighbours):
/// voxels of equal value that lie within distance r of each other, transitively, form one plateau
/// (for r = 1 a plateau is an 8- or 26-connected set of equal voxels). A plateau is a maximum when no
/// voxel within distance r of it is strictly higher, so a single voxel is a maximum when it is ≥ every
/// voxel within r, and a plateau that is strictly higher than all its surroundings counts once. Each
/// maximum plateau is reported once, at its voxel nearest the plateau's centroid (ties: first in raster
/// order). With a threshold, only plateaus whose value is strictly greater than it count (as
/// scikit-image's <c>threshold_abs</c>). NaN voxels are never maxima. The image border is treated as
/// lower than everything (voxels outside the image are ignored), so maxima may lie on the border.
/// Results are sorted by value descending, then raster order.
/// </remarks>
public static class LocalMaxima
{
    /// <summary>Finds the local maxima of <paramref name="image"/> (see the class remarks for the rule).</summary>
    /// <param name="image">A single-channel image or volume (2D: neighbourhoods in y and x only).</param>
    /// <param name="minDistance">Neighbourhood radius r ≥ 1, in voxels along every axis (Chebyshev).</param>
    /// <param name="threshold">Only maxima whose value is strictly greater than this count; null for all.</param>
    public static IReadOnlyList<Peak> Find<T>(Volume<T> image, int minDistance = 1, double? threshold = null)
        where T : unmanaged, INumber<T>
    {
        if (image.Channels != 1)
            throw new NeuroLensException($"local maxima need a single-channel image, got {image.Channels} channels.");
        if (minDistance < 1)
            throw new NeuroLensException($"local maxima: minDistance must be ≥ 1 voxel, got {minDistance}.");
        int d = image.Depth, h = image.Height, w = image.Width, r = minDistance;
        var data = image.Data;
        var max = MaxFilter(image, r);
        var candidate = new bool[data.Length];
        for (int i = 0; i < data.Length; i++)
            candidate[i] = data[i] == max[i] && (threshold is null || double.CreateTruncating(data[i]) > threshold.Value);

        var offsets = BoxOffsets(image.Dimensions, r);
        var visited = new bool[data.Length];
        var members = new List<int>();
        var queue = new Queue<int>();
        var peaks = new List<Peak>();
        int hw = h * w;
        for (int start = 0; start < data.Length; start++)
        {
            if (!candidate[start] || visited[start]) continue;
            // Breadth-first over the plateau: equal voxels within r of a member.
            T value = data[start];
            bool isMaximum = true;
            members.Clear();
            visited[start] = true;
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                int i = queue.Dequeue();
                members.Add(i);
                isMaximum &= candidate[i];
                int z = i / hw, y = i % hw / w, x = i % w;
                foreach (var (dz, dy, dx) in offsets)
                {
                    int zz = z + dz, yy = y + dy, xx = x + dx;
                    if (zz < 0 || zz >= d || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                    int j = (zz * h + yy) * w + xx;
                    if (visited[j] || data[j] != value) continue;
                    visited[j] = true;
                    queue.Enqueue(j);
                }
            }
            if (isMaximum) peaks.Add(Representative(members, h, w, double.CreateTruncating(value)));
        }
        peaks.Sort((a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value)
            : (a.Z, a.Y, a.X).CompareTo((b.Z, b.Y, b.X)));
        return peaks;
    }

    private static Peak Representative(List<int> members, int h, int w, double value)
    {
        int hw = h * w;
        double cz = 0, cy = 0, cx = 0;
        foreach (int i in members) { cz += i / hw; cy += i % hw / w; cx += i % w; }
        cz /= members.Count; cy /= members.Count; cx /= members.Count;
        int best = -1;
        double bestDistance = double.PositiveInfinity;
        foreach (int i in members)
        {
            double dz = i / hw - cz, dy = i % hw / w - cy, dx = i % w - cx;
            double distance = dz * dz + dy * dy + dx * dx;
            if (distance < bestDistance || (distance == bestDistance && i < best)) { best = i; bestDistance = distance; }
        }
        return new Peak(best / hw, best % hw / w, best % w, value);
    }

    /// <summary>The maximum over the box of radius r around each voxel (clipped to the image), separably.</summary>
    private static T[] MaxFilter<T>(Volume<T> image, int r) where T : unmanaged, INumber<T>
    {
        var current = (T[])image.Data.Clone();
        var line = new T[Math.Max(image.Depth, Math.Max(image.Height, image.Width))];
        int[] extent = [image.Depth, image.Height, image.Width];
        int[] stride = [image.Height * image.Width, image.Width, 1];
        for (int axis = 3 - image.Dimensions; axis < 3; axis++)
        {
            int n = extent[axis], step = stride[axis];
            for (int start = 0; start < current.Length; start++)
            {
                // `start` is the first voxel of a line along `axis` when its coordinate there is 0.
                if (start / step % n != 0) continue;
                for (int q = 0; q < n; q++) line[q] = current[start + q * step];
                for (int q = 0; q < n; q++)
                {
                    T m = line[q];
                    int hi = Math.Min(n - 1, q + r);
                    for (int p = Math.Max(0, q - r); p <= hi; p++)
                        if (line[p] > m) m = line[p];
                    current[start + q * step] = m;
                }
            }
        }
        return current;
    }

    private static (int Dz, int Dy, int Dx)[] BoxOffsets(int dimensions, int r)
    {
        var result = new List<(int, int, int)>();
        int zr = dimensions == 3 ? r : 0;
        for (int dz = -zr; dz <= zr; dz++)
            for (int dy = -r; dy <= r; dy++)
                for (int dx = -r; dx <= r; dx++)
                    if (dz != 0 || dy != 0 || dx != 0) result.Add((dz, dy, dx));
        return result.ToArray();
    }
}
