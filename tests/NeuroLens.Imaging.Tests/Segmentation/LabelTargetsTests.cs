using NeuroLens.Core;
using NeuroLens.Imaging.Segmentation;

namespace NeuroLens.Imaging.Tests.Segmentation;

public class LabelTargetsTests
{
    // 0 0 1
    // 2 2 1
    private static Volume<uint> Small() => new([0, 0, 1, 2, 2, 1], 1, 2, 3);

    [Fact]
    public void BoundariesMarkVoxelsWithADifferentFaceNeighbour()
    {
        Assert.Equal(new byte[] { 1, 1, 1, 1, 1, 1 }, LabelBoundaries.Of(Small()).Data);
        var block = new Volume<uint>([1, 1, 1, 1, 1, 1, 1, 1, 2], 1, 3, 3);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 1, 0, 1, 1 }, LabelBoundaries.Of(block).Data);
    }

    [Fact]
    public void AffinitiesCompareEachVoxelWithItsNeighbourAtMinusOffset()
    {
        var aff = LabelAffinities.Of(Small());
        Assert.Equal(2, aff.Channels);
        // −y channel: row 1 against row 0; only x = 2 (1 above 1) agrees.
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 1 }, aff.Channel(0).ToArray());
        // −x channel: (1,1) against (1,0) share label 2; label 0 never has affinity.
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 0 }, aff.Channel(1).ToArray());
    }

    [Fact]
    public void AffinityOffsetsMustPointBackwards()
    {
        Assert.Throws<NeuroLensException>(() => LabelAffinities.Of(Small(), [[0, -1, 0]]));
        Assert.Throws<NeuroLensException>(() => LabelAffinities.Of(Small(), [[0, 0, 0]]));
    }
}
