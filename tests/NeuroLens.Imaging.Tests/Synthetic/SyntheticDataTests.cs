using NeuroLens.Core;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

public class SyntheticDataTests
{
    [Theory]
    [InlineData("nuclei", null)]
    [InlineData("organelles", null)]
    [InlineData("organelles", "worm-tem")]
    [InlineData("tissue", null)]
    [InlineData("em", "zebrafish-sbem")]
    public void EveryKindGeneratesThroughTheSingleEntry(string kind, string? preset)
    {
        var options = SyntheticData.DefaultOptions(kind, preset) with { Width = 80, Height = 64 };
        var s = SyntheticData.Generate(options, 12);
        Assert.Equal(kind, s.Kind);
        Assert.Equal(12, s.Seed);
        Assert.Same(options, s.Options);
        Assert.Equal(new[] { 64, 80 }, s.Image.Shape);
        Assert.Equal(s.Image.Shape, s.Labels.Shape);
        Assert.Equal(s.Image.Shape, s.Mask.Shape);
        Assert.Equal(s.Image.Shape, s.Classes.Shape);
        Assert.All(s.Mask.Data, m => Assert.True(m <= 1));
        SyntheticAssert.AllIn01(s.Image);
        SyntheticAssert.Identical(s, SyntheticData.Generate(options, 12));
    }

    [Fact]
    public void UnknownKindsAndMisplacedPresetsAreClearErrors()
    {
        Assert.Throws<NeuroLensException>(() => SyntheticData.DefaultOptions("plankton"));
        Assert.Throws<NeuroLensException>(() => SyntheticData.DefaultOptions("nuclei", "mouse-sbem"));
        Assert.Throws<NeuroLensException>(() => SyntheticData.Generate("em", 0, "no-such-preset"));
        Assert.Equal(4, SyntheticData.Kinds.Count);
    }

    [Fact]
    public void ImageAsBytesRoundsToTheNearestLevel()
    {
        var s = SyntheticData.Generate(SyntheticData.DefaultOptions("nuclei") with { Width = 32, Height = 32 }, 0);
        var bytes = s.ImageAsBytes();
        for (int i = 0; i < bytes.Data.Length; i++) Assert.Equal((byte)Math.Round(255 * s.Image.Data[i]), bytes.Data[i]);
        Assert.Equal(s.Image.VoxelSize, bytes.VoxelSize);
    }
}
