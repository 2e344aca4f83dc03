using NeuroLens.Imaging.Metrics;

namespace NeuroLens.Imaging.Tests.Metrics;

public class VariationOfInformationTests
{
    private static readonly double Log3 = Math.Log2(3);

    [Fact]
    public void MatchesHandComputedValues()
    {
        // truth 1 1 1 2 2 2, segmentation 1 1 2 2 2 3: cells (s,t) = (1,1):2 (2,1):1 (2,2):2 (3,2):1,
        // truth sizes b = 3, 3; segment sizes a = 2, 3, 1; N = 6.
        // split = H(S|T) = -(1/6)[2 log2(2/3) + log2(1/3) + 2 log2(2/3) + log2(1/3)] = log2 3 - 2/3 = 0.91830
        // merge = H(T|S) = -(1/6)[2 log2(2/2) + log2(1/3) + 2 log2(2/3) + log2(1/1)] = (3 log2 3 - 2)/6 = 0.45915
        var vi = VariationOfInformation.Of(LabelImages.Row(1, 1, 2, 2, 2, 3), LabelImages.Row(1, 1, 1, 2, 2, 2));
        Assert.Equal(Log3 - 2.0 / 3, vi.Split, 12);
        Assert.Equal((3 * Log3 - 2) / 6, vi.Merge, 12);
        Assert.Equal(vi.Split + vi.Merge, vi.Total, 15);
    }

    [Fact]
    public void PureSplitAndPureMergeGoToTheRightTerm()
    {
        // One truth object cut into segments of 1/4, 1/4, 1/2: split = entropy(1/4, 1/4, 1/2) = 1.5 bits, merge 0.
        var over = VariationOfInformation.Of(LabelImages.Row(1, 2, 3, 3), LabelImages.Row(7, 7, 7, 7));
        Assert.Equal(1.5, over.Split, 12);
        Assert.Equal(0, over.Merge);
        // Two truth halves in one segment: merge = 1 bit, split 0.
        var under = VariationOfInformation.Of(LabelImages.Row(5, 5, 5, 5), LabelImages.Row(1, 1, 2, 2));
        Assert.Equal(0, under.Split);
        Assert.Equal(1, under.Merge, 12);
        var same = VariationOfInformation.Of(LabelImages.Row(4, 4, 9, 9), LabelImages.Row(1, 1, 2, 2));
        Assert.Equal(new VariationOfInformation(0, 0), same);
    }

    [Fact]
    public void OverSegmentationRaisesSplitAndUnderSegmentationRaisesMerge()
    {
        var truth = LabelImages.Blocky(new Random(1), 4, 24, 24, 30, 4, noise: 0);
        var over = new Volume<ulong>(4, 24, 24);
        var under = new Volume<ulong>(4, 24, 24);
        for (int z = 0; z < 4; z++)
            for (int y = 0; y < 24; y++)
                for (int x = 0; x < 24; x++)
                {
                    over[z, y, x] = truth[z, y, x] * 2 + (ulong)(x % 2); // every truth object cut in two
                    under[z, y, x] = truth[z, y, x] / 3;                 // groups of three truth objects joined
                }
        var viOver = VariationOfInformation.Of(over, truth);
        var viUnder = VariationOfInformation.Of(under, truth);
        Assert.Equal(1, viOver.Split, 12); // each object split exactly in half: 1 bit
        Assert.Equal(0, viOver.Merge);
        Assert.True(viUnder.Merge > 0.5, $"merge {viUnder.Merge}");
        Assert.Equal(0, viUnder.Split);
    }

    [Fact]
    public void IgnoreRulesDropTheExpectedVoxels()
    {
        // truth 0 0 1 1 1, segmentation 1 2 0 1 1.
        var seg = LabelImages.Row(1, 2, 0, 1, 1);
        var truth = LabelImages.Row(0, 0, 1, 1, 1);
        // None: cells (1,0):1 (2,0):1 (0,1):1 (1,1):2, b = {0:2, 1:3}, a = {0:1, 1:3, 2:1}, N = 5.
        // split = -(1/5)[log2(1/2) + log2(1/2) + log2(1/3) + 2 log2(2/3)] = (3/5) log2 3
        // merge = -(1/5)[log2(1/3) + log2(1) + log2(1) + 2 log2(2/3)] = (3 log2 3 - 2)/5
        var none = VariationOfInformation.Of(seg, truth, IgnoreZero.None);
        Assert.Equal(0.6 * Log3, none.Split, 12);
        Assert.Equal((3 * Log3 - 2) / 5, none.Merge, 12);
        // InTruth keeps (0,1):1 (1,1):2: split = -(1/3)[log2(1/3) + 2 log2(2/3)] = log2 3 - 2/3, merge 0.
        var inTruth = VariationOfInformation.Of(seg, truth, IgnoreZero.InTruth);
        Assert.Equal(Log3 - 2.0 / 3, inTruth.Split, 12);
        Assert.Equal(0, inTruth.Merge);
        // InBoth keeps only (1,1):2: a perfect match.
        Assert.Equal(new VariationOfInformation(0, 0), VariationOfInformation.Of(seg, truth, IgnoreZero.InBoth));
    }

    [Fact]
    public void StreamingOverChunksEqualsOneShot()
    {
        var rng = new Random(7);
        var truth = LabelImages.Blocky(rng, 6, 40, 50, 25, 5);
        var seg = LabelImages.Blocky(rng, 6, 40, 50, 40, 3);
        var oneShot = ContingencyTable.Of(seg, truth, threads: 1);

        var streamed = new ContingencyTable();
        int offset = 0;
        while (offset < seg.Data.Length)
        {
            int length = Math.Min(rng.Next(1, 900), seg.Data.Length - offset);
            // Each chunk goes into its own partial table, merged at the end, as parallel workers do.
            var partial = new ContingencyTable();
            partial.Add<ulong, ulong>(seg.Data.AsSpan(offset, length), truth.Data.AsSpan(offset, length));
            streamed.Merge(partial);
            offset += length;
        }
        var parallel = ContingencyTable.Of<ulong, ulong>(seg.Data, truth.Data, threads: 2, chunkLength: 333);

        Assert.Equal(oneShot.Total, streamed.Total);
        Assert.Equal(oneShot.PairCount, streamed.PairCount);
        foreach (var ignore in new[] { IgnoreZero.None, IgnoreZero.InTruth, IgnoreZero.InBoth })
        {
            var expected = VariationOfInformation.Of(oneShot, ignore);
            Assert.True(expected.Split > 0.1 && expected.Merge > 0.1);
            Assert.Equal(expected, VariationOfInformation.Of(streamed, ignore)); // exact: sums run over sorted cells
            Assert.Equal(expected, VariationOfInformation.Of(parallel, ignore));
            Assert.Equal(AdaptedRandError.Of(oneShot, ignore), AdaptedRandError.Of(parallel, ignore));
        }
    }

    [Fact]
    public void UIntAndULongLabelsGiveTheSameTable()
    {
        var rng = new Random(3);
        var truth = LabelImages.Blocky(rng, 1, 30, 30, 8, 3);
        var seg = LabelImages.Blocky(rng, 1, 30, 30, 12, 2);
        var truth32 = new Volume<uint>(truth.Data.Select(v => (uint)v).ToArray(), 1, 30, 30);
        var seg32 = new Volume<uint>(seg.Data.Select(v => (uint)v).ToArray(), 1, 30, 30);
        Assert.Equal(VariationOfInformation.Of(seg, truth), VariationOfInformation.Of(seg32, truth32));
    }

    [Fact]
    public void RejectsMismatchedChunks()
    {
        var table = new ContingencyTable();
        Assert.Throws<NeuroLens.Core.NeuroLensException>(() => table.Add<ulong, ulong>(new ulong[3], new ulong[4]));
        Assert.Throws<NeuroLens.Core.NeuroLensException>(() => VariationOfInformation.Of(new Volume<ulong>(1, 2, 3), new Volume<ulong>(1, 3, 2)));
    }
}
