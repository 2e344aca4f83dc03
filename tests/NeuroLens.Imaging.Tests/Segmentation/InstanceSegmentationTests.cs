using NeuroLens.Imaging.Metrics;
using NeuroLens.Imaging.Segmentation;

namespace NeuroLens.Imaging.Tests.Segmentation;

public class InstanceSegmentationTests
{
    // Three cells separated by one-voxel boundaries: a vertical wall at x = 10 and a horizontal one at
    // y = 8 on the right-hand side.
    private static (Volume<float> Boundaries, Volume<uint> Truth) ThreeCells()
    {
        var b = new Volume<float>(1, 16, 20);
        var t = new Volume<uint>(1, 16, 20);
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 20; x++)
            {
                bool wall = x == 10 || (x > 10 && y == 8);
                b[0, y, x] = wall ? 0.9f : 0.1f;
                t[0, y, x] = x < 10 ? 1u : y < 8 ? 2u : 3u;
            }
        return (b, t);
    }

    [Fact]
    public void RecoversSeparatedCellsUpToTheBoundaryVoxels()
    {
        var (boundaries, truth) = ThreeCells();
        var labels = InstanceSegmentation.FromBoundaries(boundaries, new InstanceSegmentationOptions { SeedMinDistance = 2 });
        Assert.Equal(3, labels.Data.Distinct().Count());
        Assert.DoesNotContain(0u, labels.Data);
        // Away from the walls every voxel carries the label of its own cell.
        Assert.NotEqual(labels[0, 4, 4], labels[0, 4, 15]);
        Assert.NotEqual(labels[0, 4, 15], labels[0, 12, 15]);
        Assert.NotEqual(labels[0, 4, 4], labels[0, 12, 15]);
        var vi = VariationOfInformation.Of(labels, truth);
        Assert.True(vi.Total < 0.3, $"VI {vi.Total}");
    }

    [Fact]
    public void MergingJoinsFragmentsAcrossWeakBoundaries()
    {
        var (boundaries, _) = ThreeCells();
        // Weaken the horizontal wall: its two cells should merge at a threshold above 0.5.
        for (int x = 11; x < 20; x++) boundaries[0, 8, x] = 0.45f;
        var options = new InstanceSegmentationOptions { SeedMinDistance = 2, Threshold = 0.4 };
        Assert.Equal(3, InstanceSegmentation.FromBoundaries(boundaries, options).Data.Distinct().Count());
        var merged = InstanceSegmentation.FromBoundaries(boundaries, options with { MergeThreshold = 0.5 });
        Assert.Equal(2, merged.Data.Distinct().Count());
    }

    [Fact]
    public void AMapWithNoInteriorIsOneRegion()
    {
        var b = new Volume<float>(1, 5, 5);
        Array.Fill(b.Data, 0.9f);
        Assert.All(InstanceSegmentation.FromBoundaries(b).Data, l => Assert.Equal(1u, l));
    }
}
