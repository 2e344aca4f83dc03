using NeuroLens.Imaging.IO;
using static NeuroLens.Imaging.Tests.IO.IoTestData;

namespace NeuroLens.Imaging.Tests.IO;

public class SliceFolderTests
{
    // Written out of order; natural order is z1, z2, z10 (ordinal order would be z1, z10, z2).
    private static readonly string[] Names = ["z10", "z1", "z2"];

    private static Volume<T>[] WriteSlices<T>(TempDir dir, string extension, int height = 13, int width = 17, int channels = 1) where T : unmanaged
    {
        var slices = new Volume<T>[3];
        foreach (var (name, i) in Names.Select((n, i) => (n, i)))
        {
            slices[i] = Random<T>(1, height, width, channels, seed: 10 + i);
            VolumeFile.Write(dir.File(name + extension), slices[i]);
        }
        // z order: z1 (index 1), z2 (index 2), z10 (index 0).
        return [slices[1], slices[2], slices[0]];
    }

    private static void AssertStack<T>(Volume<T>[] slices, AnyVolume read) where T : unmanaged
    {
        Assert.Equal((3, slices[0].Height, slices[0].Width, slices[0].Channels, 3), (read.Depth, read.Height, read.Width, read.Channels, read.Dimensions));
        var volume = read.As<T>();
        for (int z = 0; z < 3; z++)
            for (int c = 0; c < slices[z].Channels; c++)
                Assert.True(slices[z].Channel(c).SequenceEqual(volume.Crop(new Box(z, 0, 0, 1, volume.Height, volume.Width)).Channel(c)), $"slice {z}, channel {c}");
    }

    [Theory]
    [InlineData(".png", 1)]
    [InlineData(".png", 3)]
    [InlineData(".tif", 1)]
    [InlineData(".tiff", 2)]
    public void SlicesStackInNaturalOrder(string extension, int channels)
    {
        using var dir = new TempDir();
        var slices = WriteSlices<byte>(dir, extension, channels: channels);
        Assert.Equal(VolumeFormat.Slices, VolumeFile.Detect(dir.Path));
        AssertStack(slices, VolumeFile.Read(dir.Path));
        var info = VolumeFile.Describe(dir.Path);
        Assert.Equal(new[] { 3, 13, 17 }, info.Shape);
        Assert.Equal(channels, info.Channels);
        Assert.Equal(VoxelType.UInt8, info.Type);
        Assert.Equal(extension == ".png" ? "png-slices" : "tiff-slices", info.Format);
    }

    [Fact]
    public void SixteenBitAndFloatTiffSlicesKeepTheirType()
    {
        using (var dir = new TempDir()) AssertStack(WriteSlices<ushort>(dir, ".png"), VolumeFile.Read(dir.Path));
        using (var dir = new TempDir()) AssertStack(WriteSlices<ushort>(dir, ".tif"), VolumeFile.Read(dir.Path));
        using (var dir = new TempDir()) AssertStack(WriteSlices<float>(dir, ".tif"), VolumeFile.Read(dir.Path));
    }

    [Fact]
    public void ARegionReadsOnlyItsSlicesAndEqualsTheCropOfTheWhole()
    {
        using var dir = new TempDir();
        WriteSlices<ushort>(dir, ".png");
        var whole = VolumeFile.Read(dir.Path);
        var box = new Box(1, 2, 3, 2, 7, 9);
        AssertSameVoxels(whole.Crop(box), VolumeFile.Read(dir.Path, new VolumeReadOptions { Region = box }));
        AssertMalformed(dir.Path, () => VolumeFile.Read(dir.Path, new VolumeReadOptions { Region = new Box(0, 0, 0, 4, 1, 1) }), "outside");
        // Every slice's header is checked, also of slices outside the region: a truncated one is named.
        File.WriteAllBytes(dir.File("z1.png"), File.ReadAllBytes(dir.File("z1.png"))[..40]);
        AssertMalformed(dir.File("z1.png"), () => VolumeFile.Read(dir.Path, new VolumeReadOptions { Region = box }));
    }

    [Fact]
    public void OtherAndHiddenFilesAreIgnoredAndOneSliceIsA2dImage()
    {
        using var dir = new TempDir();
        var slice = Random<byte>(1, 5, 6);
        VolumeFile.Write(dir.File("only.png"), slice);
        File.WriteAllText(dir.File("README.txt"), "not an image");
        File.WriteAllText(dir.File(".hidden.png"), "not an image either");
        var read = VolumeFile.Read(dir.Path);
        AssertSameVoxels(slice, read);
        Assert.Equal(2, read.Dimensions);
        Assert.Equal(new[] { 5, 6 }, VolumeFile.Describe(dir.Path).Shape);
    }

    [Fact]
    public void ASliceOfAnotherShapeTypeOrChannelCountIsNamed()
    {
        using (var dir = new TempDir())
        {
            WriteSlices<byte>(dir, ".png");
            VolumeFile.Write(dir.File("z2.png"), Random<byte>(1, 13, 18));
            AssertMalformed(dir.File("z2.png"), () => VolumeFile.Read(dir.Path), "13×18");
            AssertMalformed(dir.File("z2.png"), () => VolumeFile.Describe(dir.Path), "z1.png");
        }
        using (var dir = new TempDir())
        {
            WriteSlices<byte>(dir, ".png");
            VolumeFile.Write(dir.File("z10.png"), Random<ushort>(1, 13, 17));
            AssertMalformed(dir.File("z10.png"), () => VolumeFile.Read(dir.Path), "uint16");
        }
        using (var dir = new TempDir())
        {
            WriteSlices<byte>(dir, ".tif");
            VolumeFile.Write(dir.File("z1.tif"), Random<byte>(1, 13, 17, channels: 3));
            AssertMalformed(dir.File("z1.tif"), () => VolumeFile.Read(dir.Path), "3 channels");
        }
    }

    [Fact]
    public void StacksMixedFormatsAndEmptyFoldersAreRefused()
    {
        using (var dir = new TempDir())
        {
            WriteSlices<byte>(dir, ".tif");
            VolumeFile.Write(dir.File("z3.tif"), Random<byte>(4, 13, 17));
            AssertMalformed(dir.File("z3.tif"), () => VolumeFile.Read(dir.Path), "stack of 4 pages");
        }
        using (var dir = new TempDir())
        {
            WriteSlices<byte>(dir, ".png");
            VolumeFile.Write(dir.File("z3.tif"), Random<byte>(1, 13, 17));
            AssertMalformed(dir.Path, () => VolumeFile.Read(dir.Path), "both PNG");
        }
        using (var dir = new TempDir())
        {
            File.WriteAllText(dir.File("notes.txt"), "no images");
            AssertMalformed(dir.Path, () => VolumeFile.Read(dir.Path), "neither a zarr store");
        }
    }

    [Fact]
    public void NaturalOrderComparesDigitRunsByValue()
    {
        string[] names = ["img10.png", "img2.png", "IMG1.png", "img02.png", "img1b.png", "img.png", "img100.png"];
        var sorted = names.OrderBy(n => n, NaturalOrder.Instance).ToArray();
        Assert.Equal(new[] { "img.png", "IMG1.png", "img1b.png", "img02.png", "img2.png", "img10.png", "img100.png" }, sorted);
        Assert.Equal(0, NaturalOrder.Instance.Compare("a7", "a7"));
        Assert.True(NaturalOrder.Instance.Compare("a99999999999999999999999", "a100000000000000000000000") < 0);
    }
}
