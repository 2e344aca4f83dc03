using NeuroLens.Core;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

public class PrevalenceTests
{
    [Fact]
    public void CountsPartialEdgeChunks()
    {
        // 10 × 10 with 4 × 4 chunks: a 3 × 3 grid whose last row and column are partial.
        var mask = new Volume<byte>(1, 10, 10);
        mask[0, 0, 0] = 1;  // chunk (0, 0)
        mask[0, 9, 9] = 1;  // partial corner chunk (2, 2)
        mask[0, 5, 1] = 1;  // chunk (1, 0)
        mask[0, 6, 2] = 1;  // chunk (1, 0) again
        Assert.Equal(3 / 9.0, Prevalence.Measure(mask, 4), 12);
        Assert.Equal(1 / 9.0, Prevalence.Measure(mask, 4, minVoxels: 2), 12);
        Assert.Equal(new[] { 1, 0, 0, 2, 0, 0, 0, 0, 1 }, Prevalence.ChunkCounts(mask, 4, 4, 4));
    }

    [Fact]
    public void ThreeDimensionalChunksUseZ()
    {
        var mask = new Volume<byte>(4, 4, 4);
        mask[3, 0, 0] = 1;
        Assert.Equal(1 / 8.0, Prevalence.Measure(mask, 2), 12);
        var labels = new Volume<uint>(4, 4, 4);
        labels[3, 0, 0] = 7;
        labels[0, 3, 3] = 2;
        Assert.Equal(2 / 8.0, Prevalence.Measure(labels, 2), 12);
    }

    [Fact]
    public void DensityForInvertsThePoissonFormula()
    {
        double lambda = Prevalence.DensityFor(0.3, 32, 6, 2) / 1e6;
        Assert.Equal(0.3, 1 - Math.Exp(-lambda * 44 * 44), 12);
        Assert.Throws<NeuroLensException>(() => Prevalence.DensityFor(1, 32, 6, 2));
        Assert.Throws<NeuroLensException>(() => Prevalence.Measure(new Volume<byte>(1, 4, 4), 0));
    }
}
