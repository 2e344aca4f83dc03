using NeuroLens.Imaging.Filters;

namespace NeuroLens.Imaging.Tests.Filters;

public class DistanceTransformTests
{
    private static Volume<byte> RandomMask(int seed, int d, int h, int w, double foreground, double[] voxelSize)
    {
        var rng = new Random(seed);
        var mask = new Volume<byte>(d, h, w, 1, d == 1 ? 2 : 3) { VoxelSize = voxelSize };
        for (int i = 0; i < mask.Data.Length; i++) mask.Data[i] = rng.NextDouble() < foreground ? (byte)1 : (byte)0;
        return mask;
    }

    private static double Distance(Volume<byte> m, int a, int b, bool physical)
    {
        int hw = m.Height * m.Width;
        double dz = a / hw - b / hw, dy = a % hw / m.Width - b % hw / m.Width, dx = a % m.Width - b % m.Width;
        if (physical) { dz *= m.VoxelSize[0]; dy *= m.VoxelSize[1]; dx *= m.VoxelSize[2]; }
        return Math.Sqrt(dz * dz + dy * dy + dx * dx);
    }

    [Theory]
    [InlineData(1, 1, 17, 23, 0.7, false)]
    [InlineData(2, 1, 17, 23, 0.95, true)]
    [InlineData(3, 7, 9, 11, 0.8, false)]
    [InlineData(4, 7, 9, 11, 0.97, true)]
    [InlineData(5, 5, 6, 30, 0.5, true)]
    public void MatchesBruteForceOverAllBackgroundVoxels(int seed, int d, int h, int w, double foreground, bool physical)
    {
        var mask = RandomMask(seed, d, h, w, foreground, [2.0, 0.7, 1.3]);
        mask.Data[seed * 5 % mask.Data.Length] = 0; // at least one background voxel
        var dist = DistanceTransform.Euclidean(mask, out var nearest, physical);
        var background = Enumerable.Range(0, mask.Data.Length).Where(i => mask.Data[i] == 0).ToArray();
        for (int i = 0; i < mask.Data.Length; i++)
        {
            double best = double.PositiveInfinity;
            foreach (int b in background) best = Math.Min(best, Distance(mask, i, b, physical));
            Assert.Equal(best, dist.Data[i], 4);
            Assert.Equal(0, mask.Data[nearest.Data[i]]);
            Assert.Equal(best, Distance(mask, i, nearest.Data[i], physical), 9);
        }
        Assert.Equal(dist.Data, DistanceTransform.Euclidean(mask, physical).Data);
    }

    [Theory]
    [InlineData("mask2d", "edt2d")]
    [InlineData("mask3d", "edt3d")]
    public void MatchesScipyWithSampling(string input, string expected)
    {
        var m = FilterFixtures.Volume(input);
        var mask = new Volume<byte>(m.Data.Select(v => (byte)v).ToArray(), m.Depth, m.Height, m.Width, 1, m.Dimensions);
        var sampling = FilterFixtures.Doubles(expected, "sampling");
        mask.VoxelSize = sampling.Length == 2 ? [1, sampling[0], sampling[1]] : sampling;
        var dist = DistanceTransform.Euclidean(mask, physicalUnits: true);
        FilterFixtures.AssertClose(FilterFixtures.Data(expected), dist.Data, 1e-5);
    }

    [Fact]
    public void NoBackgroundGivesInfinityAndNoIndex()
    {
        var mask = new Volume<byte>(1, 3, 4);
        Array.Fill(mask.Data, (byte)1);
        var dist = DistanceTransform.Euclidean(mask, out var nearest);
        Assert.All(dist.Data, v => Assert.True(float.IsPositiveInfinity(v)));
        Assert.All(nearest.Data, v => Assert.Equal(-1, v));
    }

    [Fact]
    public void MultiChannelMaskIsRejected() =>
        Assert.Throws<NeuroLens.Core.NeuroLensException>(() => DistanceTransform.Euclidean(new Volume<byte>(1, 3, 3, channels: 2)));
}
