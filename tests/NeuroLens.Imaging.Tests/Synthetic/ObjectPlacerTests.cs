using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

public class ObjectPlacerTests
{
    private static PlacedObject Disc(SyntheticRng rng, double[] centre, uint id) =>
        new(id, 1, ObjectShape.Ellipsoid, centre, [3, 3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1], 1);

    [Fact]
    public void CountsArePerCallAndObjectsNeverOverlap()
    {
        var placer = new ObjectPlacer(1, 100, 100, 1, 20);
        var rng = new SyntheticRng(1);
        placer.Run(rng, new PlacementOptions { Count = 5 }, Disc);
        placer.Run(rng, new PlacementOptions { Count = 7 }, Disc);
        Assert.Equal(12, placer.Objects.Count);
        Assert.Equal(12u, placer.Labels.Max());
        Assert.False(placer.TryPlace(Disc(rng, placer.Objects[0].Center, 13)));
    }

    [Fact]
    public void ObjectsStayInsideOneRegionAwayFromItsBorder()
    {
        // Two regions split at x = 50; depth is the distance to that border.
        var regions = new uint[100 * 100];
        var depth = new float[regions.Length];
        for (int i = 0; i < regions.Length; i++)
        {
            int x = i % 100;
            regions[i] = x < 50 ? 1u : 2u;
            depth[i] = Math.Abs(x - 49.5f);
        }
        var placer = new ObjectPlacer(1, 100, 100, 1, 20, regions, depth);
        var rng = new SyntheticRng(2);
        Assert.False(placer.TryPlace(Disc(rng, [0, 50, 50], 1)));
        Assert.False(placer.TryPlace(Disc(rng, [0, 50, 45], 1), minRegionDepth: 2));
        Assert.True(placer.TryPlace(Disc(rng, [0, 50, 45], 1), minRegionDepth: 1));
        placer.Run(rng, new PlacementOptions { Count = 30 }, Disc, minRegionDepth: 2);
        Assert.Equal(31, placer.Objects.Count);
        for (int i = 0; i < regions.Length; i++)
            if (placer.Labels[i] > 1) Assert.True(depth[i] >= 2, $"voxel {i} of object {placer.Labels[i]} is {depth[i]} from the border");
    }

    [Fact]
    public void TooLongCapsulesAreShortenedToFit()
    {
        // Region 1 is the band 5 ≤ y < 15; a capsule along y of half length 12 only fits at 30 % length.
        var regions = new uint[40 * 60];
        for (int i = 0; i < regions.Length; i++) regions[i] = i / 60 is >= 5 and < 15 ? 1u : 0u;
        var placer = new ObjectPlacer(1, 40, 60, 1, 20, regions);
        PlacedObject AlongY(SyntheticRng r, double[] centre, uint id) =>
            new(id, 1, ObjectShape.Capsule, [0, 10, 30], [12, 1, 1], PlacedObject.FrameAround([0, 1, 0]), 1);
        placer.Run(new SyntheticRng(3), new PlacementOptions { Count = 1 }, AlongY);
        var placed = Assert.Single(placer.Objects);
        Assert.Equal(12 * 0.6 * 0.5, placed.Radii[0], 12);
        for (int i = 0; i < regions.Length; i++)
            if (placer.Labels[i] != 0) Assert.Equal(1u, regions[i]);
    }
}
