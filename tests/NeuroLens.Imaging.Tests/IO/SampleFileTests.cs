using NeuroLens.Imaging.IO;
using SkiaSharp;
using static NeuroLens.Imaging.Tests.IO.IoTestData;

namespace NeuroLens.Imaging.Tests.IO;

/// <summary>Real files from <c>../shared/data</c>; skipped, visibly, when that folder is absent.</summary>
public class SampleFileTests
{
    private static string Sample(string relative)
    {
        string? data = SharedData();
        Skip.If(data is null, "../shared/data is absent: the shared sample files are not part of the repository.");
        string path = Path.Combine(data!, relative);
        Skip.IfNot(File.Exists(path), $"{path} is absent.");
        return path;
    }

    [SkippableFact]
    public void CremiExampleReadsWithShapeResolutionAndCoherentLabels()
    {
        string path = Sample("cremi-example.h5");
        var info = VolumeFile.Describe(path, new VolumeReadOptions { Dataset = Hdf5Format.CremiNeuronIds });
        Assert.Equal(VoxelType.UInt64, info.Type);
        Assert.Equal(new[] { 1, 164, 251 }, info.Shape);
        Assert.Equal(new double[] { 40, 4, 4 }, info.VoxelSize);

        var (raw, ids) = Hdf5Format.ReadCremi(path);
        Assert.Null(raw);
        Assert.NotNull(ids);
        Assert.Equal((1, 164, 251, 3), (ids!.Depth, ids.Height, ids.Width, ids.Dimensions));
        Assert.Equal(new double[] { 40, 4, 4 }, ids.VoxelSize);
        // Neuron ids form contiguous segments: a layout or byte-order slip would scatter them.
        int same = 0, pairs = 0;
        for (int y = 0; y < ids.Height; y++)
            for (int x = 1; x < ids.Width; x++, pairs++)
                if (ids[0, y, x] == ids[0, y, x - 1]) same++;
        Assert.True(same > 0.9 * pairs, $"only {same} of {pairs} horizontal neighbours share a label");
        int distinct = ids.Data.Distinct().Count();
        Assert.InRange(distinct, 2, 5000);
        Assert.All(ids.Data, v => Assert.True(v < 1UL << 40, "label ids are small integers"));
    }

    [SkippableTheory]
    [InlineData("images/cell.png", 660, 550, 1)]
    [InlineData("images/ihc.png", 512, 512, 3)]
    [InlineData("images/microaneurysms.png", 102, 102, 1)]
    public void SamplePngsReadWithShapeAndSkiasValues(string name, int height, int width, int channels)
    {
        string path = Sample(name);
        var info = VolumeFile.Describe(path);
        Assert.Equal(("png", VoxelType.UInt8, channels), (info.Format, info.Type, info.Channels));
        Assert.Equal(new[] { height, width }, info.Shape);

        var image = VolumeFile.Read<byte>(path);
        Assert.Equal((1, height, width, channels, 2), (image.Depth, image.Height, image.Width, image.Channels, image.Dimensions));
        // Cross-check every pixel with an independent decoder (SkiaSharp's libpng).
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var px = bitmap.GetPixel(x, y);
                if (channels == 1) Assert.Equal(px.Red, image[0, y, x]);
                else Assert.Equal((px.Red, px.Green, px.Blue), (image[0, y, x, 0], image[0, y, x, 1], image[0, y, x, 2]));
            }
        Assert.True(image.Data.Distinct().Count() > 16, "a real image has more than a handful of grey levels");
    }
}
