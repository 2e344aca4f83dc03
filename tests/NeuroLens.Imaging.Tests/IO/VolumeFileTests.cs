using NeuroLens.Core;
using NeuroLens.Imaging.IO;
using static NeuroLens.Imaging.Tests.IO.IoTestData;

namespace NeuroLens.Imaging.Tests.IO;

public class VolumeFileTests
{
    [Theory]
    [InlineData("a.png", VolumeFormat.Png)]
    [InlineData("a.jpg", VolumeFormat.Jpeg)]
    [InlineData("a.tif", VolumeFormat.Tiff)]
    [InlineData("a.ome.tif", VolumeFormat.Tiff)]
    [InlineData("a.h5", VolumeFormat.Hdf5)]
    [InlineData("a.zarr", VolumeFormat.Zarr)]
    [InlineData("a.npy", VolumeFormat.Npy)]
    [InlineData("a.npz", VolumeFormat.Npz)]
    public void WritesByExtensionAndDetectsByContent(string name, VolumeFormat format)
    {
        using var dir = new TempDir();
        string path = dir.File(name);
        var image = Random<byte>(1, 12, 10, channels: format == VolumeFormat.Jpeg ? 3 : 1);
        VolumeFile.Write(path, image);
        Assert.Equal(format, VolumeFile.FormatOfExtension(path));
        Assert.Equal(format, VolumeFile.Detect(path));
        // Content, not name, decides on reading.
        if (format != VolumeFormat.Zarr)
        {
            string renamed = dir.File("renamed.bin");
            File.Copy(path, renamed);
            Assert.Equal(format, VolumeFile.Detect(renamed));
        }
        var info = VolumeFile.Describe(path);
        Assert.Equal(new[] { 12, 10 }, info.Shape);
        Assert.Equal(VoxelType.UInt8, info.Type);
        if (format != VolumeFormat.Jpeg) AssertSameVoxels(image, VolumeFile.Read(path));
    }

    [Fact]
    public void TypedReadRefusesAnotherVoxelType()
    {
        using var dir = new TempDir();
        VolumeFile.Write(dir.File("u16.tif"), Random<ushort>(2, 4, 4));
        Assert.Equal(2, VolumeFile.Read<ushort>(dir.File("u16.tif")).Depth);
        AssertMalformed(dir.File("u16.tif"), () => VolumeFile.Read<byte>(dir.File("u16.tif")), "uint16");
    }

    [Fact]
    public void RegionAndLevelOptionsApplyToEveryFormat()
    {
        using var dir = new TempDir();
        var volume = Random<ushort>(4, 9, 7);
        var box = new Box(1, 2, 3, 2, 4, 3);
        foreach (string name in new[] { "r.tif", "r.h5", "r.zarr", "r.npy", "r.npz" })
        {
            VolumeFile.Write(dir.File(name), volume);
            AssertSameVoxels(volume.Crop(box), VolumeFile.Read(dir.File(name), new VolumeReadOptions { Region = box }));
        }
        AssertMalformed(dir.File("r.tif"), () => VolumeFile.Read(dir.File("r.tif"), new VolumeReadOptions { Level = 1 }), "level");
        AssertMalformed(dir.File("r.tif"), () => VolumeFile.Read(dir.File("r.tif"), new VolumeReadOptions { Region = new Box(0, 0, 0, 9, 9, 9) }), "outside");
    }

    [Fact]
    public void MaxBytesRefusesLargeFilesBeforeReading()
    {
        using var dir = new TempDir();
        foreach (string name in new[] { "big.png", "big.tif", "big.h5", "big.zarr", "big.npy", "big.npz" })
        {
            VolumeFile.Write(dir.File(name), Random<byte>(1, 64, 64));
            AssertMalformed(dir.File(name), () => VolumeFile.Read(dir.File(name), new VolumeReadOptions { MaxBytes = 1000 }), "limit");
        }
    }

    [Fact]
    public void UnknownExtensionsAndMissingFilesAreOneLineErrors()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<NeuroLensException>(() => VolumeFile.Write(dir.File("a.bmp"), new Volume<byte>(1, 2, 2)));
        Assert.Contains(".bmp", e.Message);
        AssertMalformed(dir.File("none.tif"), () => VolumeFile.Read(dir.File("none.tif")), "not found");
        Directory.CreateDirectory(dir.File("plain"));
        AssertMalformed(dir.File("plain"), () => VolumeFile.Read(dir.File("plain")), "zarr");
    }

    [Fact]
    public void WritesReplaceAtomicallyAndLeaveNoTemporaryFiles()
    {
        using var dir = new TempDir();
        foreach (string name in new[] { "a.tif", "a.npy", "a.npz" })
        {
            string path = dir.File(name);
            VolumeFile.Write(path, Random<byte>(2, 5, 5, seed: 1));
            var second = Random<byte>(3, 6, 6, seed: 2);
            VolumeFile.Write(path, second);
            AssertSameVoxels(second, VolumeFile.Read(path));
        }
        AssertMalformed(dir.File("b.ome.tif"), () => VolumeFile.Write(dir.File("b.ome.tif"), new Volume<long>(1, 2, 2)));
        Assert.Equal(new[] { "a.npy", "a.npz", "a.tif" }, Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }
}
