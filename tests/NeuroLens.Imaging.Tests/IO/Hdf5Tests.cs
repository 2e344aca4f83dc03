using NeuroLens.Imaging.IO;
using static NeuroLens.Imaging.Tests.IO.IoTestData;

namespace NeuroLens.Imaging.Tests.IO;

public class Hdf5Tests
{
    public static TheoryData<VoxelType> AllTypes() => new(Enum.GetValues<VoxelType>());

    [Fact]
    public void CremiFileRoundTripsWithResolution()
    {
        using var dir = new TempDir();
        var raw = Random<byte>(4, 20, 30, seed: 1);
        raw.VoxelSize = [40, 4, 4];
        var ids = Random<ulong>(4, 20, 30, seed: 2);
        ids[0, 0, 0] = ulong.MaxValue;
        ids.VoxelSize = [40, 4, 4];
        string path = dir.File("cremi.h5");
        Hdf5Format.WriteCremi(path, raw, ids);

        var (rawBack, idsBack) = Hdf5Format.ReadCremi(path);
        AssertSameVoxels(raw, AnyVolume.From(rawBack!));
        AssertSameVoxels(ids, AnyVolume.From(idsBack!));
        Assert.Equal(new double[] { 40, 4, 4 }, rawBack!.VoxelSize);
        Assert.Equal(new double[] { 40, 4, 4 }, idsBack!.VoxelSize);
        Assert.Equal(new double[] { 40, 4, 4 }, Hdf5Format.ReadAttribute(path, Hdf5Format.CremiNeuronIds, "resolution"));
        Assert.Equal(new[] { Hdf5Format.CremiNeuronIds, Hdf5Format.CremiRaw }, Hdf5Format.ListDatasets(path).Order());

        // The entry point defaults to the CREMI raw dataset.
        var info = VolumeFile.Describe(path);
        Assert.Equal(("hdf5", VoxelType.UInt8, Hdf5Format.CremiRaw), (info.Format, info.Type, info.Dataset));
        Assert.Equal(new[] { 4, 20, 30 }, info.Shape);
        Assert.Equal(new double[] { 40, 4, 4 }, info.VoxelSize);
        Assert.Equal(VoxelType.UInt64, VolumeFile.Describe(path, new VolumeReadOptions { Dataset = Hdf5Format.CremiNeuronIds }).Type);
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void EveryTypeRoundTripsIn2DAnd3D(VoxelType type)
    {
        using var dir = new TempDir();
        var volume = RandomOf(type, 3, 9, 11, seed: 3);
        volume.VoxelSize[0] = 2.5;
        VolumeFile.Write(dir.File("v.h5"), volume, new VolumeWriteOptions { Dataset = "data/volume" });
        var back = VolumeFile.Read(dir.File("v.h5"), new VolumeReadOptions { Dataset = "data/volume" });
        AssertSameVoxels(volume, back);
        Assert.Equal(new[] { 2.5, 1, 1 }, back.VoxelSize);

        var image = RandomOf(type, 1, 7, 5, seed: 4);
        image.VoxelSize[1] = 0.5;
        VolumeFile.Write(dir.File("i.hdf5"), image, new VolumeWriteOptions { Dataset = "image" });
        var imageBack = VolumeFile.Read(dir.File("i.hdf5"), new VolumeReadOptions { Dataset = "image" });
        AssertSameVoxels(image, imageBack);
        Assert.Equal(new[] { 1, 0.5, 1 }, imageBack.VoxelSize);
    }

    [Fact]
    public void ChannelsRoundTripAsAFourDimensionalDataset()
    {
        using var dir = new TempDir();
        var volume = Random<float>(2, 6, 7, channels: 3, seed: 5);
        VolumeFile.Write(dir.File("c.h5"), volume);
        AssertSameVoxels(volume, VolumeFile.Read(dir.File("c.h5")));
        Assert.Equal(3, VolumeFile.Describe(dir.File("c.h5")).Channels);
    }

    [Fact]
    public void RegionReadsEqualCropsIn2D3DAndWithChannels()
    {
        using var dir = new TempDir();
        var box = new Box(1, 2, 3, 3, 4, 5);
        var volume = Random<ushort>(5, 12, 13, seed: 6);
        volume.VoxelSize = [40, 4, 4];
        VolumeFile.Write(dir.File("r.h5"), volume);
        var back = VolumeFile.Read(dir.File("r.h5"), new VolumeReadOptions { Region = box });
        AssertSameVoxels(volume.Crop(box), back);
        Assert.Equal(new double[] { 40, 4, 4 }, back.VoxelSize);

        var channels = Random<float>(4, 7, 8, channels: 2, seed: 7);
        VolumeFile.Write(dir.File("c.h5"), channels);
        var inner = new Box(1, 1, 2, 2, 5, 4);
        AssertSameVoxels(channels.Crop(inner), VolumeFile.Read(dir.File("c.h5"), new VolumeReadOptions { Region = inner }));

        var image = Random<byte>(1, 9, 11, seed: 8);
        VolumeFile.Write(dir.File("i.h5"), image);
        var flat = new Box(0, 3, 4, 1, 5, 6);
        AssertSameVoxels(image.Crop(flat), VolumeFile.Read(dir.File("i.h5"), new VolumeReadOptions { Region = flat }));
        AssertMalformed(dir.File("i.h5"), () => VolumeFile.Read(dir.File("i.h5"), new VolumeReadOptions { Region = new Box(0, 0, 0, 2, 1, 1) }), "outside");
    }

    [Fact]
    public void MissingDatasetsAndForeignFilesAreRefused()
    {
        using var dir = new TempDir();
        string path = dir.File("m.h5");
        VolumeFile.Write(path, Random<byte>(2, 4, 4), new VolumeWriteOptions { Dataset = "volumes/labels/x" });
        AssertMalformed(path, () => VolumeFile.Read(path), "volumes/raw");
        AssertMalformed(path, () => VolumeFile.Read(path, new VolumeReadOptions { Dataset = "volumes/labels" }), "group");
        AssertMalformed(path, () => Hdf5Format.ReadAttribute(path, "volumes/labels/x", "nope"), "nope");
        AssertMalformed(path, () => Hdf5Format.ReadCremi(path), "CREMI");

        string notHdf5 = dir.File("fake.h5");
        File.WriteAllText(notHdf5, "this is plain text, not HDF5");
        AssertMalformed(notHdf5, () => Hdf5Format.Read(notHdf5), "not an HDF5");
        AssertMalformed(notHdf5, () => VolumeFile.Read(notHdf5), "unrecognised");
    }

    [Fact]
    public void TruncatedHdf5IsAOneLineError()
    {
        using var dir = new TempDir();
        string path = dir.File("t.h5");
        VolumeFile.Write(path, Random<ushort>(8, 64, 64, seed: 7));
        byte[] bytes = File.ReadAllBytes(path);
        foreach (int keep in new[] { 16, 200, bytes.Length / 2 })
        {
            File.WriteAllBytes(path, bytes[..keep]);
            AssertMalformed(path, () => VolumeFile.Read(path));
        }
    }

    [Fact]
    public void FailedWriteLeavesNothingUnderTheFinalName()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.h5");
        AssertMalformed(path, () => VolumeFile.Write(path, new Volume<byte>(1, 2, 2), new VolumeWriteOptions { Dataset = "a//b" }));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
