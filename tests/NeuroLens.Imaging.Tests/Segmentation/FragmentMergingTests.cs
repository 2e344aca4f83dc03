using NeuroLens.Imaging.Segmentation;

namespace NeuroLens.Imaging.Tests.Segmentation;

public class FragmentMergingTests
{
    [Fact]
    public void GraphSumsBoundaryPairsAndSkipsBackground()
    {
        // labels      heights
        // 1 1 2 2     0 1 3 0
        // 1 1 2 2     0 2 4 0
        // 3 3 0 0     5 6 0 0
        ulong[] l = [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 0, 0];
        float[] h = [0, 1, 3, 0, 0, 2, 4, 0, 5, 6, 0, 0];
        var graph = RegionAdjacencyGraph.Build(new Volume<ulong>(l, 1, 3, 4), new Volume<float>(h, 1, 3, 4));
        // (1,2): pairs (1|3) and (2|4): sum (1+3)/2 + (2+4)/2 = 5, count 2.
        // (1,3): pairs (0|5) and (2|6): sum 2.5 + 4 = 6.5, count 2.
        // (2,3): none with face connectivity; label 0 contributes nothing.
        Assert.Equal([new RegionEdge(1, 2, 5, 2), new RegionEdge(1, 3, 6.5, 2)], graph.Edges);
        var full = RegionAdjacencyGraph.Build(new Volume<ulong>(l, 1, 3, 4), new Volume<float>(h, 1, 3, 4), Connectivity.Full);
        // Full connectivity adds the diagonal pairs (row, column): (0,1)|(1,2) = (1|4) and (1,1)|(0,2) = (2|3) to (1,2),
        // 2.5 each: sum 10, count 4; (1,1)|(2,0) = (2|5) → 3.5 and (1,0)|(2,1) = (0|6) → 3 to (1,3): sum 13, count 4;
        // (1,2)|(2,1) = (4|6) → 5 as the only (2,3) pair.
        Assert.Equal([new RegionEdge(1, 2, 10, 4), new RegionEdge(1, 3, 13, 4), new RegionEdge(2, 3, 5, 1)], full.Edges);
    }

    [Fact]
    public void MergedEdgeMeanIsRecomputedFromSumsAndCounts()
    {
        // labels   heights: region 1 → 0, region 2 → 0.2, region 3 → 1.3
        // 1 2 3
        // 1 3 3    face pairs: (1,2) one pair of mean 0.1; (2,3) two pairs of 0.75 (sum 1.5);
        // 1 3 3    (1,3) three pairs of 0.65 (sum 1.95).
        // 1 3 3    After 1+2 merge (0.1), the boundary to 3 is (1.95 + 1.5) / 5 = 0.69, not the mean of means 0.70.
        var labels = new Volume<ulong>([1, 2, 3, 1, 3, 3, 1, 3, 3, 1, 3, 3], 1, 4, 3);
        var heights = new Volume<float>(labels.Data.Select(l => l switch { 1 => 0f, 2 => 0.2f, _ => 1.3f }).ToArray(), 1, 4, 3);
        double h2 = 0.2f, h3 = 1.3f;
        double mean12 = h2 / 2, joined = (3 * (h3 / 2) + 2 * ((h2 + h3) / 2)) / 5; // 0.1, 0.69
        var graph = RegionAdjacencyGraph.Build(labels, heights);
        Assert.Equal(3, graph.Edges.Count);

        // 0.68: edge 1-3 alone (0.65) would pass, the joined boundary (0.69) does not.
        var merges = FragmentMerging.Agglomerate(graph, 0.68);
        Assert.Equal((1UL, 2UL), (Assert.Single(merges).A, merges[0].B));
        Assert.Equal(mean12, merges[0].Mean, 1e-12);
        // 0.695: the joined boundary 0.69 passes (a mean of means, 0.70, would not).
        merges = FragmentMerging.Agglomerate(graph, 0.695);
        Assert.Equal(2, merges.Count);
        Assert.Equal((1UL, 3UL), (merges[1].A, merges[1].B));
        Assert.Equal(joined, merges[1].Mean, 1e-12);
        Assert.Empty(FragmentMerging.Agglomerate(graph, 0.05));

        var result = FragmentMerging.Run(labels, heights, 0.68);
        Assert.Equal(new ulong[] { 1, 1, 3, 1, 3, 3, 1, 3, 3, 1, 3, 3 }, result.Labels.Data);
        var uintLabels = new Volume<uint>(labels.Data.Select(v => (uint)v).ToArray(), 1, 4, 3);
        Assert.All(FragmentMerging.Run(uintLabels, heights, 0.695).Labels.Data, v => Assert.Equal(1u, v));
    }

    [Fact]
    public void RejectsNaNHeightsAndMismatchedShapes()
    {
        var labels = new Volume<ulong>([1, 2], 1, 1, 2);
        Assert.Throws<NeuroLens.Core.NeuroLensException>(() => RegionAdjacencyGraph.Build(labels, new Volume<float>([0, float.NaN], 1, 1, 2)));
        Assert.Throws<NeuroLens.Core.NeuroLensException>(() => RegionAdjacencyGraph.Build(labels, new Volume<float>(1, 2, 1)));
        Assert.Throws<NeuroLens.Core.NeuroLensException>(() => FragmentMerging.Agglomerate(RegionAdjacencyGraph.Build(labels, new Volume<float>(1, 1, 2)), double.NaN));
    }

    [Theory]
    [InlineData(1, 12, 14, false)]
    [InlineData(4, 7, 8, false)]
    [InlineData(4, 7, 8, true)]
    public void MatchesNaiveAgglomerationOnRandomFragments(int depth, int height, int width, bool full)
    {
        var rng = new Random(depth + height + (full ? 100 : 0));
        var connectivity = full ? Connectivity.Full : Connectivity.Faces;
        for (int trial = 0; trial < 15; trial++)
        {
            int n = depth * height * width;
            var labels = new ulong[n];
            for (int i = 0; i < n; i++)
                labels[i] = rng.NextDouble() < 0.1 ? 0 : (ulong)(i / (2 + trial % 4)) % 23 + 1; // runs of fragments, some background
            var heights = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
            double threshold = 0.3 + 0.03 * trial;
            var lv = new Volume<ulong>(labels, depth, height, width);
            var hv = new Volume<float>(heights, depth, height, width);
            var expected = NaiveMerge(lv, hv, threshold, connectivity);
            Assert.Equal(expected, FragmentMerging.Run(lv, hv, threshold, connectivity).Labels.Data);
        }
    }

    /// <summary>Recomputes the whole graph from the current labels after every merge, O(voxels × merges).</summary>
    private static ulong[] NaiveMerge(Volume<ulong> labels, Volume<float> heights, double threshold, Connectivity connectivity)
    {
        var current = (ulong[])labels.Data.Clone();
        while (true)
        {
            var graph = RegionAdjacencyGraph.Build(new Volume<ulong>(current, labels.Depth, labels.Height, labels.Width), heights, connectivity);
            var best = graph.Edges.OrderBy(e => e.Mean).ThenBy(e => e.A).ThenBy(e => e.B).FirstOrDefault();
            if (best.Count == 0 || best.Mean > threshold)
                return current;
            for (int i = 0; i < current.Length; i++)
                if (current[i] == best.B)
                    current[i] = best.A;
        }
    }
}
