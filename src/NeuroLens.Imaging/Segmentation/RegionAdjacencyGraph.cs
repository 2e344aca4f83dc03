using System.Numerics;
using System.Runtime.InteropServices;
using NeuroLens.Core;

namespace NeuroLens.Imaging.Segmentation;

/// <summary>
/// The boundary between two regions: the neighbouring voxel pairs (one voxel in each region) and the
/// sum of their boundary values.
/// </summary>
/// <param name="A">The smaller region label.</param>
/// <param name="B">The larger region label.</param>
/// <param name="Sum">Sum over the boundary voxel pairs of the pair's value (the mean of its two heights).</param>
/// <param name="Count">Boundary voxel pairs.</param>
public readonly record struct RegionEdge(ulong A, ulong B, double Sum, long Count)
{
    /// <summary>Mean boundary value: <see cref="Sum"/> / <see cref="Count"/>.</summary>
    public double Mean => Sum / Count;
}

/// <summary>
/// The region adjacency graph of a label volume, weighted by a height map (a boundary probability):
/// two regions are adjacent when a voxel of one neighbours a voxel of the other, and each such
/// neighbouring voxel pair contributes the mean of its two heights to the edge. Label 0 is background
/// and has no edges.
/// </summary>
public sealed class RegionAdjacencyGraph
{
    private RegionAdjacencyGraph(RegionEdge[] edges) => Edges = edges;

    /// <summary>The edges, sorted by (A, B), with A &lt; B.</summary>
    public IReadOnlyList<RegionEdge> Edges { get; }

    /// <summary>Builds the graph of <paramref name="labels"/> with boundary values from <paramref name="heights"/>.</summary>
    /// <param name="labels">Region labels (fragments, for example watershed basins); 0 is background.</param>
    /// <param name="heights">The height map the boundary values are read from, same shape; NaN is rejected.</param>
    /// <param name="connectivity">Which voxel pairs touch: faces (default) or full.</param>
    public static RegionAdjacencyGraph Build<TLabel>(Volume<TLabel> labels, Volume<float> heights, Connectivity connectivity = Connectivity.Faces)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        Watershed.CheckShapes(heights, labels, null);
        foreach (float value in heights.Data)
            if (float.IsNaN(value))
                throw new NeuroLensException("region adjacency graph heights contain NaN.");
        var nb = Neighbourhood.Forward(labels.Dimensions, labels.Height, labels.Width, connectivity);
        var sums = new Dictionary<(ulong, ulong), (double Sum, long Count)>();
        var l = labels.Data;
        var h = heights.Data;
        int depth = labels.Depth, height = labels.Height, width = labels.Width;
        for (int z = 0; z < depth; z++)
            for (int y = 0; y < height; y++)
            {
                int row = (z * height + y) * width;
                for (int x = 0; x < width; x++)
                {
                    int p = row + x;
                    TLabel a = l[p];
                    if (a == TLabel.Zero)
                        continue;
                    for (int k = 0; k < nb.Count; k++)
                    {
                        int zz = z + nb.Dz[k], yy = y + nb.Dy[k], xx = x + nb.Dx[k];
                        if ((uint)zz >= (uint)depth || (uint)yy >= (uint)height || (uint)xx >= (uint)width)
                            continue;
                        int q = (int)(p + nb.Flat[k]);
                        TLabel b = l[q];
                        if (b == a || b == TLabel.Zero)
                            continue;
                        ulong ua = ulong.CreateTruncating(a), ub = ulong.CreateTruncating(b);
                        ref var e = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, ua < ub ? (ua, ub) : (ub, ua), out _);
                        e.Sum += 0.5 * ((double)h[p] + h[q]);
                        e.Count++;
                    }
                }
            }
        var edges = sums.Select(kv => new RegionEdge(kv.Key.Item1, kv.Key.Item2, kv.Value.Sum, kv.Value.Count)).ToArray();
        Array.Sort(edges, static (a, b) => a.A != b.A ? a.A.CompareTo(b.A) : a.B.CompareTo(b.B));
        return new RegionAdjacencyGraph(edges);
    }
}
