using System.Numerics;
using NeuroLens.Core;

namespace NeuroLens.Imaging.Segmentation;

/// <summary>One agglomeration step: two regions joined across a boundary of the given mean value.</summary>
/// <param name="A">The smaller of the two regions' labels (each region is named by its smallest original label).</param>
/// <param name="B">The larger one; from this step on its voxels carry <paramref name="A"/>.</param>
/// <param name="Mean">The mean boundary value of the joined edge when it was merged.</param>
public readonly record struct RegionMerge(ulong A, ulong B, double Mean);

/// <summary>The result of fragment merging.</summary>
/// <param name="Labels">The merged label volume: every region carries the smallest original label it contains.</param>
/// <param name="Merges">The merges in the order they were made (means non-decreasing unless merging lowered a boundary).</param>
public sealed record FragmentMergeResult<TLabel>(Volume<TLabel> Labels, IReadOnlyList<RegionMerge> Merges) where TLabel : unmanaged;

/// <summary>
/// Greedy agglomeration of fragments by mean boundary value, as the mean-affinity agglomeration of
/// waterz and gala (with heights = boundary probability = 1 − affinity): repeatedly join the two
/// adjacent regions whose shared boundary has the lowest mean height, while that mean is at most the
/// threshold. After a merge the joined region's boundary to each neighbour is the union of the two old
/// boundaries, its mean recomputed exactly from the summed values and pair counts (not an average of
/// means). Ties are broken by the smaller label pair, so the result is deterministic.
/// </summary>
public static class FragmentMerging
{
    /// <summary>Merges the fragments of <paramref name="labels"/> across boundaries of mean height ≤ <paramref name="threshold"/>.</summary>
    /// <param name="labels">Fragments (for example watershed basins); 0 is background and never merged.</param>
    /// <param name="heights">The boundary map the fragments came from, same shape.</param>
    /// <param name="threshold">Merging stops once the lowest mean boundary value exceeds it.</param>
    /// <param name="connectivity">Which voxel pairs form a boundary: faces (default) or full.</param>
    public static FragmentMergeResult<TLabel> Run<TLabel>(Volume<TLabel> labels, Volume<float> heights, double threshold, Connectivity connectivity = Connectivity.Faces)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        var merges = Agglomerate(RegionAdjacencyGraph.Build(labels, heights, connectivity), threshold);
        return new FragmentMergeResult<TLabel>(Relabel(labels, merges), merges);
    }

    /// <summary>The merges of the greedy agglomeration of <paramref name="graph"/> up to <paramref name="threshold"/>.</summary>
    /// <param name="graph">Region adjacency graph with boundary sums and counts.</param>
    /// <param name="threshold">Merging stops once the lowest mean boundary value exceeds it.</param>
    public static IReadOnlyList<RegionMerge> Agglomerate(RegionAdjacencyGraph graph, double threshold)
    {
        if (double.IsNaN(threshold))
            throw new NeuroLensException("fragment merging threshold is NaN.");
        // Regions are keyed by a root label; smallest[root] is the label the region reports.
        var adjacency = new Dictionary<ulong, Dictionary<ulong, (double Sum, long Count)>>();
        var smallest = new Dictionary<ulong, ulong>();
        var queue = new PriorityQueue<(ulong A, ulong B), (double Mean, ulong A, ulong B)>();
        foreach (var e in graph.Edges)
        {
            Neighbours(adjacency, smallest, e.A)[e.B] = (e.Sum, e.Count);
            Neighbours(adjacency, smallest, e.B)[e.A] = (e.Sum, e.Count);
            queue.Enqueue((e.A, e.B), (e.Mean, e.A, e.B));
        }
        var merges = new List<RegionMerge>();
        while (queue.TryDequeue(out var pair, out var priority))
        {
            // Stale entries: a region merged away, the edge changed, or a region's reported label changed since it was queued.
            if (!adjacency.TryGetValue(pair.A, out var na) || !na.TryGetValue(pair.B, out var edge) || edge.Sum / edge.Count != priority.Mean
                || priority.A != Math.Min(smallest[pair.A], smallest[pair.B]) || priority.B != Math.Max(smallest[pair.A], smallest[pair.B]))
                continue;
            if (priority.Mean > threshold)
                break;
            var nb = adjacency[pair.B];
            // Keep the root with more neighbours, so each update walks the smaller neighbour set.
            var (keep, gone) = na.Count >= nb.Count ? (pair.A, pair.B) : (pair.B, pair.A);
            var keepEdges = adjacency[keep];
            var goneEdges = adjacency[gone];
            merges.Add(new RegionMerge(priority.A, priority.B, priority.Mean));
            bool renamed = smallest[gone] < smallest[keep];
            smallest[keep] = priority.A;
            smallest.Remove(gone);
            keepEdges.Remove(gone);
            goneEdges.Remove(keep);
            adjacency.Remove(gone);
            foreach (var (other, e) in goneEdges)
            {
                var otherEdges = adjacency[other];
                otherEdges.Remove(gone);
                var joined = keepEdges.TryGetValue(other, out var k) ? (k.Sum + e.Sum, k.Count + e.Count) : e;
                keepEdges[other] = joined;
                otherEdges[keep] = joined;
            }
            // Requeue the changed edges; when the region's label changed, all of them (the tie order uses labels).
            foreach (var (other, _) in goneEdges)
                Enqueue(queue, smallest, keep, other, keepEdges[other]);
            if (renamed)
                foreach (var (other, e) in keepEdges)
                    if (!goneEdges.ContainsKey(other))
                        Enqueue(queue, smallest, keep, other, e);
        }
        return merges;
    }

    /// <summary>Applies <paramref name="merges"/> to a label volume: each label becomes the smallest label of its merged region.</summary>
    /// <param name="labels">The fragments the merges were computed on.</param>
    /// <param name="merges">Merges, as returned by <see cref="Agglomerate"/> (any prefix of them works too).</param>
    public static Volume<TLabel> Relabel<TLabel>(Volume<TLabel> labels, IReadOnlyList<RegionMerge> merges)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        var parent = new Dictionary<ulong, ulong>();
        ulong Find(ulong x)
        {
            while (parent.TryGetValue(x, out ulong p) && p != x)
                x = p;
            return x;
        }
        foreach (var m in merges)
        {
            ulong a = Find(m.A), b = Find(m.B);
            if (a != b)
                parent[Math.Max(a, b)] = Math.Min(a, b);
        }
        var result = new Volume<TLabel>(labels.Depth, labels.Height, labels.Width, labels.Channels, labels.Dimensions) { VoxelSize = (double[])labels.VoxelSize.Clone() };
        TLabel last = TLabel.Zero, mapped = TLabel.Zero;
        var source = labels.Data;
        var target = result.Data;
        for (int i = 0; i < source.Length; i++)
        {
            if (source[i] != last)
            {
                last = source[i];
                mapped = TLabel.CreateTruncating(Find(ulong.CreateTruncating(last)));
            }
            target[i] = mapped;
        }
        return result;
    }

    private static Dictionary<ulong, (double Sum, long Count)> Neighbours(
        Dictionary<ulong, Dictionary<ulong, (double Sum, long Count)>> adjacency, Dictionary<ulong, ulong> smallest, ulong region)
    {
        if (!adjacency.TryGetValue(region, out var edges))
        {
            adjacency[region] = edges = [];
            smallest[region] = region;
        }
        return edges;
    }

    private static void Enqueue(PriorityQueue<(ulong A, ulong B), (double Mean, ulong A, ulong B)> queue, Dictionary<ulong, ulong> smallest,
        ulong a, ulong b, (double Sum, long Count) edge)
    {
        ulong la = smallest[a], lb = smallest[b];
        queue.Enqueue((a, b), (edge.Sum / edge.Count, Math.Min(la, lb), Math.Max(la, lb)));
    }
}
