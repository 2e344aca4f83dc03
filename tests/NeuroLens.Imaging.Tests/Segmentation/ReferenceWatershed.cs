namespace NeuroLens.Imaging.Tests.Segmentation;

/// <summary>
/// A deliberately naive seeded watershed for cross-checking: the pending voxels live in a plain list
/// and the next one is found by a linear scan for the smallest (height, age), O(n²) overall;
/// neighbours come from coordinates, ordered by distance and then raster order, as documented.
/// </summary>
internal static class ReferenceWatershed
{
    public static ulong[] Run(float[] heights, ulong[] seeds, bool[]? mask, int depth, int height, int width, bool full, bool lines)
    {
        int n = heights.Length;
        var offsets = new List<(int Dz, int Dy, int Dx)>();
        int zr = depth > 1 ? 1 : 0;
        for (int dz = -zr; dz <= zr; dz++)
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int d2 = dz * dz + dy * dy + dx * dx;
                    if (d2 > 0 && (full || d2 == 1))
                        offsets.Add((dz, dy, dx));
                }
        // Stable sort by distance keeps the raster (dz, dy, dx) order within a distance.
        offsets = offsets.OrderBy(o => o.Dz * o.Dz + o.Dy * o.Dy + o.Dx * o.Dx).ToList();

        var open = new bool[n];
        var labels = new ulong[n];
        var pending = new List<(float H, long Age, int Index, int Source)>();
        long age = 0;
        for (int i = 0; i < n; i++)
        {
            open[i] = mask?[i] ?? true;
            if (open[i] && seeds[i] != 0)
            {
                labels[i] = seeds[i];
                pending.Add((heights[i], age++, i, i));
            }
        }
        while (pending.Count > 0)
        {
            int best = 0;
            for (int j = 1; j < pending.Count; j++)
                if (pending[j].H < pending[best].H || (pending[j].H == pending[best].H && pending[j].Age < pending[best].Age))
                    best = j;
            var (_, _, p, source) = pending[best];
            pending.RemoveAt(best);
            var neighbours = new List<int>();
            int z = p / (height * width), y = p / width % height, x = p % width;
            foreach (var (dz, dy, dx) in offsets)
                if (z + dz >= 0 && z + dz < depth && y + dy >= 0 && y + dy < height && x + dx >= 0 && x + dx < width)
                    neighbours.Add(((z + dz) * height + y + dy) * width + x + dx);
            if (lines)
            {
                if (labels[p] != 0 && p != source)
                    continue;
                var seen = neighbours.Where(q => open[q]).Select(q => labels[q]).ToList();
                // The first open neighbour's label (even 0) is the reference only until a non-zero one is seen.
                int firstNonZero = seen.FindIndex(l => l != 0);
                bool twoLabels = firstNonZero >= 0 && seen.Skip(firstNonZero + 1).Any(l => l != 0 && l != seen[firstNonZero]);
                if (!open[p] || twoLabels)
                {
                    open[p] = false;
                    continue;
                }
                labels[p] = labels[source];
            }
            foreach (int q in neighbours)
            {
                if (!open[q] || labels[q] != 0)
                    continue;
                if (!lines)
                    labels[q] = labels[p];
                pending.Add((heights[q], age++, q, source));
            }
        }
        return labels;
    }
}
