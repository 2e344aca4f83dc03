using NeuroLens.Core.Runtime;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// Label-map clean-up for the generators. Neighbours are face neighbours: 4 in 2D, 6 in 3D (z included).
/// Arrays are <c>[depth, height, width]</c> in C order.
/// </summary>
internal static class LabelTopology
{
    /// <summary>
    /// Makes every label's region connected: of each label's connected components the largest stays,
    /// and every smaller one (a digitisation sliver) takes the label its outside neighbours carry most
    /// often (ties: the smaller label). Repeats until nothing changes. Returns the voxels relabelled.
    /// </summary>
    public static long MergeFragments(uint[] labels, int depth, int height, int width)
    {
        long moved = 0;
        Span<long> around = stackalloc long[6];
        for (int pass = 0; pass < 16; pass++)
        {
            var (component, sizes, componentLabel) = Components(labels, depth, height, width);
            var largest = new Dictionary<uint, int>();
            for (int c = 0; c < sizes.Count; c++)
                if (!largest.TryGetValue(componentLabel[c], out int k) || sizes[c] > sizes[k]) largest[componentLabel[c]] = c;
            var votes = new Dictionary<int, Dictionary<uint, int>>();
            for (long i = 0; i < labels.LongLength; i++)
            {
                int c = component[i];
                if (largest[componentLabel[c]] == c) continue;
                int count = Neighbours(i, depth, height, width, around);
                foreach (long j in around[..count])
                {
                    if (component[j] == c) continue;
                    if (!votes.TryGetValue(c, out var v)) votes[c] = v = [];
                    v[labels[j]] = v.GetValueOrDefault(labels[j]) + 1;
                }
            }
            if (votes.Count == 0) return moved;
            var target = votes.ToDictionary(kv => kv.Key, kv => kv.Value.OrderByDescending(e => e.Value).ThenBy(e => e.Key).First().Key);
            for (long i = 0; i < labels.LongLength; i++)
                if (target.TryGetValue(component[i], out uint t))
                {
                    labels[i] = t;
                    moved++;
                }
        }
        return moved;
    }

    /// <summary>Renumbers non-zero labels 1, 2, … in order of first appearance (raster order); returns the count.</summary>
    public static int Relabel(uint[] labels)
    {
        var map = new Dictionary<uint, uint>();
        for (long i = 0; i < labels.LongLength; i++)
        {
            uint l = labels[i];
            if (l == 0) continue;
            if (!map.TryGetValue(l, out uint n)) map[l] = n = (uint)map.Count + 1;
            labels[i] = n;
        }
        return map.Count;
    }

    /// <summary>
    /// Connected components of the non-zero voxels of <paramref name="mask"/>, numbered 1, 2, … in raster
    /// order of their first voxel (0 elsewhere); returns the labels and the count.
    /// </summary>
    public static (uint[] Labels, int Count) ComponentsOf(byte[] mask, int depth, int height, int width)
    {
        var labels = new uint[mask.LongLength];
        for (long i = 0; i < mask.LongLength; i++) labels[i] = mask[i] != 0 ? 1u : 0u;
        var (component, _, componentLabel) = Components(labels, depth, height, width);
        var number = new Dictionary<int, uint>();
        for (long i = 0; i < labels.LongLength; i++)
        {
            if (labels[i] == 0) continue;
            int c = component[i];
            if (!number.TryGetValue(c, out uint n)) number[c] = n = (uint)number.Count + 1;
            labels[i] = n;
        }
        return (labels, number.Count);
    }

    /// <summary>1 where a face neighbour carries a different label, else 0.</summary>
    public static byte[] Boundaries(uint[] labels, int depth, int height, int width)
    {
        var mask = new byte[labels.LongLength];
        Parallel.For(0, depth * height, ComputeSettings.ParallelOptions, row =>
        {
            Span<long> around = stackalloc long[6];
            for (int x = 0; x < width; x++)
            {
                long i = (long)row * width + x;
                int count = Neighbours(i, depth, height, width, around);
                foreach (long j in around[..count])
                    if (labels[j] != labels[i])
                    {
                        mask[i] = 1;
                        break;
                    }
            }
        });
        return mask;
    }

    /// <summary>Writes the face neighbours of voxel <paramref name="i"/> inside the volume into <paramref name="into"/> (length ≥ 6); returns their number.</summary>
    public static int Neighbours(long i, int depth, int height, int width, Span<long> into)
    {
        long plane = (long)height * width;
        long z = i / plane, y = i / width % height, x = i % width;
        int n = 0;
        if (x > 0) into[n++] = i - 1;
        if (x < width - 1) into[n++] = i + 1;
        if (y > 0) into[n++] = i - width;
        if (y < height - 1) into[n++] = i + width;
        if (z > 0) into[n++] = i - plane;
        if (z < depth - 1) into[n++] = i + plane;
        return n;
    }

    // Connected components of equal labels (breadth-first).
    private static (int[] Component, List<int> Sizes, List<uint> Label) Components(uint[] labels, int depth, int height, int width)
    {
        var component = new int[labels.LongLength];
        Array.Fill(component, -1);
        var sizes = new List<int>();
        var label = new List<uint>();
        var queue = new Queue<long>();
        Span<long> around = stackalloc long[6];
        for (long start = 0; start < labels.LongLength; start++)
        {
            if (component[start] >= 0) continue;
            int c = sizes.Count;
            int size = 0;
            component[start] = c;
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                long i = queue.Dequeue();
                size++;
                int count = Neighbours(i, depth, height, width, around);
                foreach (long j in around[..count])
                    if (component[j] < 0 && labels[j] == labels[start])
                    {
                        component[j] = c;
                        queue.Enqueue(j);
                    }
            }
            sizes.Add(size);
            label.Add(labels[start]);
        }
        return (component, sizes, label);
    }
}
