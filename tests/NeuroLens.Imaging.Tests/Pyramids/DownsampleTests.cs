using NeuroLens.Core;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Imaging.Tests.Pyramids;

public class DownsampleTests
{
    [Fact]
    public void BlockMeanOfKnownArrayAveragesPartialBlocksOverTheirVoxels()
    {
        // 3×5 image, values 0..14: blocks of 2×2, the last row and column partial.
        var image = new Volume<ushort>(1, 3, 5) { VoxelSize = [1, 0.5, 0.25] };
        for (int i = 0; i < 15; i++) image.Data[i] = (ushort)i;
        var mean = Downsample.BlockMean(image);
        Assert.Equal(new[] { 2, 3 }, mean.Shape);
        Assert.Equal(new float[] { 3, 5, 6.5f, 10.5f, 12.5f, 14 }, mean.Data);
        Assert.Equal(new[] { 1, 1.0, 0.5 }, mean.VoxelSize);
    }

    [Fact]
    public void BlockMeanIn3DReducesZAndKeepsChannels()
    {
        var image = new Volume<float>(3, 2, 2, channels: 2, dimensions: 3);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = i;
        var mean = Downsample.BlockMean(image);
        Assert.Equal((2, 1, 1, 2), (mean.Depth, mean.Height, mean.Width, mean.Channels));
        Assert.Equal(new float[] { 3.5f, 9.5f, 15.5f, 21.5f }, mean.Data); // mean(0..7), mean(8..11), then channel 1
        var flat = Downsample.BlockMean(new Volume<float>(1, 4, 4)); // a 2D image never shrinks in z
        Assert.Equal((1, 2, 2), (flat.Depth, flat.Height, flat.Width));
    }

    [Fact]
    public void LabelsReduceByAnyAndMax()
    {
        var labels = new Volume<int>(1, 3, 3);
        labels[0, 0, 1] = 7;
        labels[0, 2, 2] = 3;
        labels[0, 1, 0] = -2;
        Assert.Equal(new[] { 1, 0, 0, 1 }, Downsample.Any(labels).Data);
        Assert.Equal(new[] { 7, 0, 0, 3 }, Downsample.Max(labels).Data);
        var negative = new Volume<int>(1, 2, 2);
        Array.Fill(negative.Data, -5);
        Assert.Equal(-5, Downsample.Max(negative).Data[0]);
    }

    [Fact]
    public void GaussianSamplesTheSmoothedImageAtBlockOrigins()
    {
        var image = new Volume<float>(1, 9, 9);
        image[0, 4, 4] = 1;
        var small = Downsample.Gaussian(image, 2);
        var smooth = NeuroLens.Imaging.Filters.GaussianFilter.Smooth(image, 2 / 3.0);
        Assert.Equal(new[] { 5, 5 }, small.Shape);
        Assert.Equal(smooth[0, 4, 4], small[0, 2, 2]);
        Assert.Equal(smooth[0, 8, 6], small[0, 4, 3]);
    }

    [Fact]
    public void PyramidLevelsHaveCeilExtents()
    {
        var image = new Volume<byte>(5, 9, 17, 1, 3);
        var levels = Pyramid.Build(image, 4);
        var grid = new ChunkGrid([5, 9, 17], [2, 2, 2], 4);
        for (int k = 0; k < 4; k++)
            Assert.Equal(grid.LevelBounds(k), levels[k].Bounds);
        Assert.Equal((1, 2, 3), (levels[3].Depth, levels[3].Height, levels[3].Width));
        var masks = Pyramid.BuildLabels(image, 3, LabelReduction.Max);
        Assert.Same(image, masks[0]);
        Assert.Throws<NeuroLensException>(() => Downsample.BlockMean(image, 1));
    }
}
