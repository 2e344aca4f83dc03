using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

public class NucleiGeneratorTests
{
    private static readonly NucleiOptions Small = new() { Width = 192, Height = 160 };

    [Fact]
    public void SameSeedIdenticalDifferentSeedDifferent()
    {
        var a = NucleiGenerator.Generate(Small, 5);
        SyntheticAssert.Identical(a, NucleiGenerator.Generate(Small, 5));
        var c = NucleiGenerator.Generate(Small, 6);
        Assert.NotEqual(a.Image.Data, c.Image.Data);
        Assert.NotEqual(a.Labels.Data, c.Labels.Data);
    }

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(20, 2.0)]
    public void MaskIsExactlyTheUnionOfThePlacedEllipsoids(int depth, double zScale)
    {
        var options = Small with { Depth = depth, ZScale = zScale, Width = 96, Height = 80, Placement = new() { Density = 600 } };
        var s = NucleiGenerator.Generate(options, 11);
        Assert.True(s.Objects.Count >= 3, $"only {s.Objects.Count} nuclei");
        for (int z = 0; z < s.Mask.Depth; z++)
            for (int y = 0; y < s.Mask.Height; y++)
                for (int x = 0; x < s.Mask.Width; x++)
                {
                    var inside = s.Objects.Where(o => SyntheticAssert.InEllipsoid(o, zScale, z, y, x)).ToList();
                    Assert.True(inside.Count <= 1, "placed nuclei overlap");
                    Assert.Equal(inside.Count, s.Mask[z, y, x]);
                    Assert.Equal(inside.Count == 1 ? inside[0].Id : 0u, s.Labels[z, y, x]);
                }
        // Every placed nucleus has voxels, ids are 1..n in order, and each nucleus is one connected piece.
        Assert.Equal(Enumerable.Range(1, s.Objects.Count).Select(i => (uint)i), s.Objects.Select(o => o.Id));
        foreach (var o in s.Objects) Assert.Equal(1, SyntheticAssert.ComponentCount(s.Labels, o.Id));
    }

    [Fact]
    public void ImageIsInRangeAndNucleiAreBright()
    {
        var s = NucleiGenerator.Generate(Small, 2);
        SyntheticAssert.AllIn01(s.Image);
        double inside = SyntheticAssert.MeanWhere(s.Image, i => s.Mask.Data[i] == 1);
        double outside = SyntheticAssert.MeanWhere(s.Image, i => s.Mask.Data[i] == 0);
        Assert.True(inside > outside + 0.2, $"nuclei {inside:F3} vs background {outside:F3}");
        Assert.InRange(outside, 0.02, 0.2);
    }

    [Fact]
    public void PrevalenceRisesWithDensity()
    {
        double last = -1;
        foreach (double density in new[] { 20.0, 80, 250, 800 })
        {
            double p = Enumerable.Range(0, 3).Average(seed =>
                NucleiGenerator.Generate(Small with { Placement = new() { Density = density } }, seed).Prevalence(32));
            Assert.True(p > last, $"density {density}: prevalence {p} not above {last}");
            last = p;
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.35)]
    [InlineData(0.7)]
    public void TargetPrevalenceIsMet(double target)
    {
        var options = new NucleiOptions { Width = 256, Height = 256, Placement = new() { TargetPrevalence = target, ChunkSize = 32 } };
        var s = NucleiGenerator.Generate(options, 1);
        double measured = Prevalence.Measure(s.Mask, 32);
        Assert.Equal(measured, s.Metadata["prevalence"], 12);
        // 64 chunks; the last nucleus can add at most 4 (its diameter is below a chunk).
        Assert.InRange(measured, target, target + 4 / 64.0);
    }

    [Fact]
    public void ClusteringLowersPrevalenceAtTheSameCount()
    {
        double Mean(double clustering) => Enumerable.Range(0, 3).Average(seed => NucleiGenerator.Generate(
            Small with { Width = 256, Height = 256, Placement = new() { Count = 40, Clustering = clustering, ClusterCount = 3, ClusterSpread = 15 } }, seed).Prevalence(32));
        double independent = Mean(0), clustered = Mean(1);
        Assert.True(clustered < independent - 0.1, $"clustered {clustered} vs independent {independent}");
    }

    [Fact]
    public void ExactCountIsPlacedAndBadOptionsAreClearErrors()
    {
        var s = NucleiGenerator.Generate(Small with { Placement = new() { Count = 17 } }, 3);
        Assert.Equal(17, s.Objects.Count);
        Assert.Equal(17u, s.Labels.Data.Max());
        Assert.Throws<NeuroLens.Core.NeuroLensException>(() => NucleiGenerator.Generate(Small with { RadiusMin = 5, RadiusMax = 2 }, 0));
        Assert.Throws<NeuroLens.Core.NeuroLensException>(() => NucleiGenerator.Generate(Small with { Placement = new() { TargetPrevalence = 1.5 } }, 0));
        Assert.Throws<NeuroLens.Core.NeuroLensException>(() => NucleiGenerator.Generate(Small with { Width = 0 }, 0));
    }
}
