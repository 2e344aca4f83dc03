using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

public class OrganelleGeneratorTests
{
    private static readonly OrganelleOptions Small = new() { Width = 192, Height = 160 };

    [Fact]
    public void SameSeedIdenticalDifferentSeedDifferent()
    {
        var a = OrganelleGenerator.Generate(Small, 1);
        SyntheticAssert.Identical(a, OrganelleGenerator.Generate(Small, 1));
        Assert.NotEqual(a.Labels.Data, OrganelleGenerator.Generate(Small, 2).Labels.Data);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void LabelsAreExactlyThePlacedShapes(int depth)
    {
        var options = Small with { Depth = depth, ZScale = depth > 1 ? 4 : 1, Width = 128, Height = 112, Placement = new() { Density = 900 } };
        var s = OrganelleGenerator.Generate(options, 5);
        Assert.Contains(s.Objects, o => o.Class == EmSectionGenerator.MitochondrionClass);
        Assert.Contains(s.Objects, o => o.Class == EmSectionGenerator.VesicleClass);
        for (int z = 0; z < s.Labels.Depth; z++)
            for (int y = 0; y < s.Labels.Height; y++)
                for (int x = 0; x < s.Labels.Width; x++)
                {
                    var inside = s.Objects.Where(o => o.Contains(z * options.ZScale, y, x)).ToList();
                    Assert.True(inside.Count <= 1, "organelles overlap");
                    uint id = inside.Count == 1 ? inside[0].Id : 0u;
                    Assert.Equal(id, s.Labels[z, y, x]);
                    Assert.Equal(inside.Count, s.Mask[z, y, x]);
                    Assert.Equal(inside.Count == 1 ? inside[0].Class : 0, s.Classes[z, y, x]);
                }
        SyntheticAssert.AllIn01(s.Image);
        double mito = SyntheticAssert.MeanWhere(s.Image, i => s.Classes.Data[i] == EmSectionGenerator.MitochondrionClass);
        double rest = SyntheticAssert.MeanWhere(s.Image, i => s.Classes.Data[i] == 0);
        Assert.True(mito < rest - 0.1, $"mitochondria {mito:F3} vs the rest {rest:F3}");
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.3)]
    [InlineData(0.55)]
    public void TargetPrevalenceIsReachedByTheLastOrganelle(double target)
    {
        var options = new OrganelleOptions { Width = 256, Height = 256, Placement = new() { TargetPrevalence = target, ChunkSize = 16, Clustering = 0.5 } };
        var s = OrganelleGenerator.Generate(options, 3);
        double measured = s.Prevalence(16);
        Assert.True(measured >= target, $"prevalence {measured} below target {target}");
        // Without the last organelle the target was not yet met, so placement stopped as soon as it could.
        var before = new Volume<byte>(1, 256, 256);
        uint last = (uint)s.Objects.Count;
        for (int i = 0; i < before.Data.Length; i++) before.Data[i] = s.Labels.Data[i] is > 0 and var l && l != last ? (byte)1 : (byte)0;
        Assert.True(Prevalence.Measure(before, 16) < target);
    }

    [Fact]
    public void PrevalenceRisesWithDensity()
    {
        double last = -1;
        foreach (double density in new[] { 50.0, 200, 800 })
        {
            double p = OrganelleGenerator.Generate(Small with { Placement = new() { Density = density } }, 7).Prevalence(32);
            Assert.True(p > last, $"density {density}: prevalence {p} not above {last}");
            last = p;
        }
    }
}
