using NeuroLens.Cascade.Detectors;
using NeuroLens.Cascade.Execution;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Cascade.Tests.Execution;

public class SegmentationMetricsTests
{
    /// <summary>A pixel detector whose voxel probability is the image value itself.</summary>
    private sealed class IdentityPixels : IPixelDetector
    {
        public string Name => "identity";
        public float[] Score(Volume<float> level, IReadOnlyList<Box> chunks) => chunks.Select(b => level.Crop(b).Data.Max()).ToArray();
        public Volume<float> PixelProbabilities(Volume<float> level, Box chunk) => level.Crop(chunk);
        public void Train(IReadOnlyList<ChunkExample> examples, int seed) => throw new NotSupportedException("nothing to learn.");
    }

    [Fact]
    public void SegmentationKeepsPixelOutputOnlyInsideReportedChunks()
    {
        // Two 2 × 2 objects in different 4 × 4 chunks of an 8 × 8 image.
        var labels = new Volume<uint>(1, 8, 8, 1, 2);
        foreach (var (y, x) in new[] { (1, 1), (1, 2), (2, 1), (2, 2) }) labels[0, y, x] = 1;
        foreach (var (y, x) in new[] { (5, 5), (5, 6), (6, 5), (6, 6) }) labels[0, y, x] = 2;
        var mask = new Volume<byte>(1, 8, 8, 1, 2);
        var image = new Volume<float>(1, 8, 8, 1, 2);
        for (int i = 0; i < mask.Data.Length; i++) { mask.Data[i] = labels.Data[i] != 0 ? (byte)1 : (byte)0; image.Data[i] = mask.Data[i]; }
        var grid = ChunkGrid.For(image, [4, 4]);

        var both = new CascadeRun([new ChunkIndex(0, 0, 0, 0), new ChunkIndex(0, 0, 1, 1)], []);
        var full = CascadeEvaluation.Segmentation(both, image, grid, new IdentityPixels());
        Assert.Equal((1.0, 1.0), CascadeEvaluation.Overlaps(full, mask));
        Assert.Equal(1.0, CascadeEvaluation.Objects(full, labels, radius: 1).F1);

        var one = new CascadeRun([new ChunkIndex(0, 0, 0, 0)], []);
        var half = CascadeEvaluation.Segmentation(one, image, grid, new IdentityPixels());
        var (dice, iou) = CascadeEvaluation.Overlaps(half, mask);
        Assert.Equal(2.0 * 4 / (4 + 8), dice, 12);
        Assert.Equal(4.0 / 8, iou, 12);
        var objects = CascadeEvaluation.Objects(half, labels, radius: 1);
        Assert.Equal((1, 0, 1), (objects.TruePositives, objects.FalsePositives, objects.FalseNegatives));
    }
}
