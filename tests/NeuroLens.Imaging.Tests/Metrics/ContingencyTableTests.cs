using NeuroLens.Imaging.Metrics;

namespace NeuroLens.Imaging.Tests.Metrics;

public class ContingencyTableTests
{
    /// <summary>Label arrays with runs of random length and many distinct pairs (cache evictions, table growth).</summary>
    private static (ulong[] Seg, ulong[] Truth) RandomRuns(Random rng, int n, int segLabels, int truthLabels)
    {
        var seg = new ulong[n];
        var truth = new ulong[n];
        for (int i = 0; i < n;)
        {
            int run = rng.Next(1, 40);
            ulong s = (ulong)rng.Next(segLabels), t = (ulong)rng.Next(truthLabels);
            for (int k = 0; k < run && i < n; k++, i++)
            {
                seg[i] = s;
                truth[i] = rng.NextDouble() < 0.1 ? (ulong)rng.Next(truthLabels) : t; // runs of one array end inside the other's
            }
        }
        return (seg, truth);
    }

    private static Dictionary<(ulong, ulong), long> Naive(ulong[] seg, ulong[] truth) =>
        seg.Zip(truth).GroupBy(p => p).ToDictionary(g => g.Key, g => (long)g.Count());

    private static void AssertCounts(Dictionary<(ulong, ulong), long> expected, ContingencyTable table)
    {
        var actual = table.Pairs().ToDictionary(p => (p.Segment, p.Truth), p => p.Count);
        Assert.Equal(expected.Count, table.PairCount);
        Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));
        Assert.Equal(expected.Values.Sum(), table.Total);
    }

    [Fact]
    public void CountsEveryPairLikeANaiveGroupBy()
    {
        var rng = new Random(2);
        var (seg, truth) = RandomRuns(rng, 200_000, 300, 200); // ~45,000 distinct pairs
        var expected = Naive(seg, truth);
        Assert.True(expected.Count > 20_000);
        var table = new ContingencyTable();
        table.Add<ulong, ulong>(seg, truth);
        AssertCounts(expected, table);
        AssertCounts(expected, ContingencyTable.Of<ulong, ulong>(seg, truth, threads: 2, chunkLength: 4099));
    }

    [Fact]
    public void NarrowLabelTypesCountTheSame()
    {
        // Vector widths differ by type (4 ulong, 8 uint, 16 ushort, 32 byte lanes); odd lengths exercise the scalar tail.
        var rng = new Random(4);
        var (seg, truth) = RandomRuns(rng, 10_007, 200, 150);
        var expected = Naive(seg, truth);
        var u32 = new ContingencyTable();
        u32.Add<uint, uint>(seg.Select(v => (uint)v).ToArray(), truth.Select(v => (uint)v).ToArray());
        AssertCounts(expected, u32);
        var u16 = new ContingencyTable();
        u16.Add<ushort, ushort>(seg.Select(v => (ushort)v).ToArray(), truth.Select(v => (ushort)v).ToArray());
        AssertCounts(expected, u16);
        var u8 = new ContingencyTable();
        u8.Add<byte, byte>(seg.Select(v => (byte)v).ToArray(), truth.Select(v => (byte)v).ToArray());
        AssertCounts(expected, u8);
        // Mixed types: different lane counts take the scalar path, equal ones the vector path.
        var mixed = new ContingencyTable();
        mixed.Add<uint, ulong>(seg.Select(v => (uint)v).ToArray(), truth);
        AssertCounts(expected, mixed);
        var sameWidth = new ContingencyTable();
        sameWidth.Add<long, ulong>(seg.Select(v => (long)v).ToArray(), truth);
        AssertCounts(expected, sameWidth);
    }

    [Fact]
    public void ExplicitCountsAndMergesAddUp()
    {
        var a = new ContingencyTable();
        a.Add(1, 2, 5);
        a.Add(1, 2, 3);
        a.Add(ulong.MaxValue, 0, 1);
        var b = new ContingencyTable();
        b.Add(1, 2, 1);
        b.Add(7, 7, 0);
        a.Merge(b);
        Assert.Equal(new[] { new LabelPairCount(1, 2, 9), new LabelPairCount(ulong.MaxValue, 0, 1) }, a.Pairs().OrderBy(p => p.Segment));
        Assert.Equal(10, a.Total);
        Assert.Throws<NeuroLens.Core.NeuroLensException>(() => a.Add(1, 1, -1));
    }
}
