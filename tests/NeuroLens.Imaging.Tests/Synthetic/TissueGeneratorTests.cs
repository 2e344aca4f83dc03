using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

public class TissueGeneratorTests
{
    private static readonly TissueOptions Small = new() { Width = 192, Height = 160 };

    [Fact]
    public void SameSeedIdenticalDifferentSeedDifferent()
    {
        var a = TissueGenerator.Generate(Small, 1);
        SyntheticAssert.Identical(a, TissueGenerator.Generate(Small, 1));
        Assert.NotEqual(a.Mask.Data, TissueGenerator.Generate(Small, 2).Mask.Data);
        Assert.Equal(3, a.Image.Channels);
        Assert.Equal(1, TissueGenerator.Generate(Small with { Stain = TissueStain.Grey }, 1).Image.Channels);
    }

    [Fact]
    public void LabelsAreTheConnectedTissuePiecesAndClassesTheTextures()
    {
        var s = TissueGenerator.Generate(Small with { Coverage = 0.5 }, 4);
        uint pieces = s.Labels.Data.Max();
        Assert.Equal((double)pieces, s.Metadata["pieces"]);
        for (uint l = 1; l <= pieces; l++) Assert.Equal(1, SyntheticAssert.ComponentCount(s.Labels, l));
        for (int y = 0; y < s.Mask.Height; y++)
            for (int x = 0; x < s.Mask.Width; x++)
            {
                Assert.Equal(s.Mask[0, y, x] == 1, s.Labels[0, y, x] != 0);
                Assert.Equal(s.Mask[0, y, x] == 1, s.Classes[0, y, x] is >= 1 and <= 3);
                // Touching tissue voxels belong to the same piece.
                if (x > 0 && s.Mask[0, y, x] == 1 && s.Mask[0, y, x - 1] == 1) Assert.Equal(s.Labels[0, y, x - 1], s.Labels[0, y, x]);
                if (y > 0 && s.Mask[0, y, x] == 1 && s.Mask[0, y - 1, x] == 1) Assert.Equal(s.Labels[0, y - 1, x], s.Labels[0, y, x]);
            }
        Assert.Equal(3, s.Classes.Data.Distinct().Count(c => c != 0));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.45)]
    [InlineData(0.85)]
    public void TargetPrevalenceIsMetToOneChunk(double target)
    {
        var s = TissueGenerator.Generate(new TissueOptions { Width = 256, Height = 192, TargetPrevalence = target, ChunkSize = 32 }, 6);
        Assert.InRange(s.Prevalence(32), target - 1 / 48.0, target + 1 / 48.0);
        var v = TissueGenerator.Generate(new TissueOptions { Width = 64, Height = 64, Depth = 32, TargetPrevalence = target, ChunkSize = 16 }, 6);
        Assert.InRange(v.Prevalence(16), target - 1 / 32.0, target + 1 / 32.0);
    }

    [Fact]
    public void CoverageSetsTheTissueFractionAndRaisesPrevalence()
    {
        double last = -1;
        foreach (double coverage in new[] { 0.05, 0.2, 0.5, 0.8 })
        {
            var s = TissueGenerator.Generate(Small with { Coverage = coverage }, 2);
            double fraction = s.Mask.Data.Count(m => m == 1) / (double)s.Mask.Data.Length;
            Assert.Equal(coverage, fraction, 2);
            double p = s.Prevalence(32);
            Assert.True(p >= last);
            last = p;
        }
    }

    [Fact]
    public void ColoursFollowTheStains()
    {
        var he = TissueGenerator.Generate(Small with { Coverage = 0.5, TextureCount = 4 }, 3);
        SyntheticAssert.AllIn01(he.Image);
        double Mean(SyntheticSample s, int c, Func<long, bool> where)
        {
            double sum = 0;
            long n = 0;
            for (long i = 0; i < s.Mask.VoxelCount; i++)
                if (where(i))
                {
                    sum += s.Image.Data[c * s.Mask.VoxelCount + i];
                    n++;
                }
            return sum / n;
        }
        bool Tissue(long i) => he.Mask.Data[i] == 1;
        // Empty glass is bright and neutral; eosin and haematoxylin absorb green most, so tissue is pink-purple.
        Assert.InRange(Mean(he, 1, i => !Tissue(i)), 0.88, 1.0);
        Assert.True(Mean(he, 1, Tissue) < Mean(he, 0, Tissue) - 0.1);
        Assert.True(Mean(he, 1, Tissue) < Mean(he, 2, Tissue) - 0.1);

        // DAB is brown: red > green > blue in the cellular texture.
        var dab = TissueGenerator.Generate(Small with { Coverage = 0.5, Stain = TissueStain.HematoxylinDab }, 3);
        bool Cellular(long i) => dab.Classes.Data[i] == 1;
        Assert.True(Mean(dab, 0, Cellular) > Mean(dab, 1, Cellular) && Mean(dab, 1, Cellular) > Mean(dab, 2, Cellular));
    }

    [Fact]
    public void FibrousTextureRunsAlongX()
    {
        var s = TissueGenerator.Generate(Small with { Width = 256, Height = 256, Coverage = 0.7, Stain = TissueStain.Grey, Photons = 0, ReadNoise = 0 }, 8);
        // The fibre texture itself, away from nuclei (whose blur halo reaches about 3 voxels).
        bool Fibre(int y, int x) => s.Classes[0, y, x] == 2 && !s.Objects.Any(n => Math.Abs(n.Center[1] - y) < n.BoundingRadius + 3 && Math.Abs(n.Center[2] - x) < n.BoundingRadius + 3);
        double alongX = 0, alongY = 0;
        for (int y = 1; y < 256; y++)
            for (int x = 1; x < 256; x++)
                if (Fibre(y, x) && Fibre(y, x - 1) && Fibre(y - 1, x))
                {
                    alongX += Math.Abs(s.Image[0, y, x] - s.Image[0, y, x - 1]);
                    alongY += Math.Abs(s.Image[0, y, x] - s.Image[0, y - 1, x]);
                }
        Assert.True(alongY > 2 * alongX, $"change along y {alongY:F1} vs along x {alongX:F1}");
    }

    [Fact]
    public void NucleiSitInsideOneTextureAndAreDark()
    {
        var s = TissueGenerator.Generate(Small with { Coverage = 0.6, Stain = TissueStain.Grey }, 5);
        Assert.True(s.Objects.Count > 10, $"only {s.Objects.Count} nuclei");
        var inNucleus = new bool[s.Mask.Data.Length];
        foreach (var n in s.Objects)
        {
            var textures = new HashSet<byte>();
            for (int y = 0; y < s.Mask.Height; y++)
                for (int x = 0; x < s.Mask.Width; x++)
                    if (n.Contains(0, y, x))
                    {
                        long i = s.Mask.Index(0, y, x);
                        Assert.False(inNucleus[i], "nuclei overlap");
                        inNucleus[i] = true;
                        textures.Add(s.Classes.Data[i]);
                    }
            Assert.Equal(new HashSet<byte> { (byte)n.Class }, textures);
        }
        double nuclei = SyntheticAssert.MeanWhere(s.Image, i => inNucleus[i]);
        double rest = SyntheticAssert.MeanWhere(s.Image, i => !inNucleus[i] && s.Mask.Data[i] == 1);
        Assert.True(nuclei < rest - 0.1, $"nuclei {nuclei:F3} vs other tissue {rest:F3}");
    }
}
