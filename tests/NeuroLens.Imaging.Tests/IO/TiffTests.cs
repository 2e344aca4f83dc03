using BitMiracle.LibTiff.Classic;
using NeuroLens.Imaging.IO;
using static NeuroLens.Imaging.Tests.IO.IoTestData;

namespace NeuroLens.Imaging.Tests.IO;

public class TiffTests
{
    public static TheoryData<VoxelType> AllTypes() => new(Enum.GetValues<VoxelType>());

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void EveryTypeRoundTripsExactlyIn2DAnd3D(VoxelType type)
    {
        using var dir = new TempDir();
        var image = RandomOf(type, 1, 13, 17, seed: 2);
        VolumeFile.Write(dir.File("i.tif"), image);
        AssertSameVoxels(image, VolumeFile.Read(dir.File("i.tif")));

        var stack = RandomOf(type, 5, 11, 9, seed: 3);
        VolumeFile.Write(dir.File("s.tiff"), stack);
        var back = VolumeFile.Read(dir.File("s.tiff"));
        AssertSameVoxels(stack, back);
        Assert.Equal(3, back.Dimensions);
        Assert.Equal(new[] { 5, 11, 9 }, VolumeFile.Describe(dir.File("s.tiff")).Shape);
    }

    [Theory]
    [InlineData(VoxelType.UInt8, 3)]
    [InlineData(VoxelType.UInt16, 3)]
    [InlineData(VoxelType.Float32, 2)]
    [InlineData(VoxelType.UInt8, 5)]
    public void ChannelsRoundTripAsSamples(VoxelType type, int channels)
    {
        using var dir = new TempDir();
        var stack = RandomOf(type, 3, 10, 12, channels, seed: 4);
        VolumeFile.Write(dir.File("rgb.tif"), stack);
        AssertSameVoxels(stack, VolumeFile.Read(dir.File("rgb.tif")));
        Assert.Equal(channels, VolumeFile.Describe(dir.File("rgb.tif")).Channels);
    }

    [Fact]
    public void OmeTiffKeepsVoxelSizeAndUnit()
    {
        using var dir = new TempDir();
        var stack = Random<ushort>(4, 8, 6, seed: 5);
        stack.VoxelSize = [0.5, 0.125, 0.1];
        string path = dir.File("cells.ome.tif");
        VolumeFile.Write(path, stack, new VolumeWriteOptions { Unit = "micrometer" });
        var info = VolumeFile.Describe(path);
        Assert.Equal(("ome-tiff", "µm"), (info.Format, info.Unit));
        Assert.Equal(new[] { 0.5, 0.125, 0.1 }, info.VoxelSize);
        var back = VolumeFile.Read(path);
        AssertSameVoxels(stack, back);
        Assert.Equal(stack.VoxelSize, back.VoxelSize);

        // A plain TIFF stores no voxel size.
        VolumeFile.Write(dir.File("plain.tif"), stack);
        Assert.Equal(new double[] { 1, 1, 1 }, VolumeFile.Read(dir.File("plain.tif")).VoxelSize);
        Assert.Null(VolumeFile.Describe(dir.File("plain.tif")).Unit);
    }

    [Theory]
    [InlineData("XYZCT")]
    [InlineData("XYCZT")]
    public void OmePagesMapToChannelsAndSlicesByDimensionOrder(string order)
    {
        using var dir = new TempDir();
        string path = dir.File("planes.ome.tif");
        const int sizeZ = 3, sizeC = 2;
        string xml = $"""<?xml version="1.0" encoding="UTF-8"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0"><Pixels ID="Pixels:0" DimensionOrder="{order}" Type="uint8" SizeX="4" SizeY="3" SizeZ="{sizeZ}" SizeC="{sizeC}" SizeT="1" PhysicalSizeX="0.2" PhysicalSizeY="0.3" PhysicalSizeZ="2" PhysicalSizeZUnit="nm" PhysicalSizeXUnit="nm"><Channel ID="Channel:0:0" SamplesPerPixel="1"/><Channel ID="Channel:0:1" SamplesPerPixel="1"/></Pixels></Image></OME>""";
        using (var tif = Tiff.Open(path, "w"))
            for (int page = 0; page < sizeZ * sizeC; page++)
            {
                SetBasicTags(tif, 4, 3, 8, 1);
                if (page == 0) tif.SetField(TiffTag.IMAGEDESCRIPTION, xml);
                for (int y = 0; y < 3; y++) tif.WriteScanline(Enumerable.Repeat((byte)page, 4).ToArray(), y);
                tif.WriteDirectory();
            }
        var v = VolumeFile.Read<byte>(path);
        Assert.Equal((sizeC, sizeZ), (v.Channels, v.Depth));
        for (int c = 0; c < sizeC; c++)
            for (int z = 0; z < sizeZ; z++)
                Assert.Equal(order == "XYZCT" ? z + sizeZ * c : c + sizeC * z, v[z, 2, 3, c]);
        Assert.Equal(new[] { 2, 0.3, 0.2 }, v.VoxelSize);
        Assert.Equal("nm", VolumeFile.Describe(path).Unit);
    }

    [Fact]
    public void ImageJHyperstacksMapChannelsAndSpacing()
    {
        using var dir = new TempDir();
        string path = dir.File("fiji.tif");
        const int slices = 3, channels = 2;
        using (var tif = Tiff.Open(path, "w"))
            for (int page = 0; page < slices * channels; page++)
            {
                SetBasicTags(tif, 5, 4, 16, 1);
                tif.SetField(TiffTag.XRESOLUTION, 4.0);
                tif.SetField(TiffTag.YRESOLUTION, 2.0);
                tif.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.NONE);
                if (page == 0)
                    tif.SetField(TiffTag.IMAGEDESCRIPTION, "ImageJ=1.54f\nimages=6\nchannels=2\nslices=3\nhyperstack=true\nmode=composite\nunit=micron\nspacing=0.75\nloop=false\n");
                byte[] row = new byte[10];
                for (int x = 0; x < 5; x++) BitConverter.TryWriteBytes(row.AsSpan(2 * x), (ushort)(1000 * page + x));
                for (int y = 0; y < 4; y++) tif.WriteScanline(row, y);
                tif.WriteDirectory();
            }
        var v = VolumeFile.Read<ushort>(path);
        Assert.Equal((channels, slices, 3), (v.Channels, v.Depth, v.Dimensions));
        for (int c = 0; c < channels; c++)
            for (int z = 0; z < slices; z++)
                Assert.Equal(1000 * (c + channels * z) + 4, v[z, 3, 4, c]); // channel fastest, as ImageJ writes
        Assert.Equal(new[] { 0.75, 0.5, 0.25 }, v.VoxelSize);
        var info = VolumeFile.Describe(path);
        Assert.Equal(("tiff", "µm"), (info.Format, info.Unit));
    }

    [Fact]
    public void TiledPagesRead()
    {
        using var dir = new TempDir();
        string path = dir.File("tiled.tif");
        var image = Random<ushort>(1, 40, 37, seed: 6);
        using (var tif = Tiff.Open(path, "w"))
        {
            SetBasicTags(tif, 37, 40, 16, 1);
            tif.SetField(TiffTag.TILEWIDTH, 16);
            tif.SetField(TiffTag.TILELENGTH, 16);
            byte[] tile = new byte[16 * 16 * 2];
            for (int ty = 0; ty < 40; ty += 16)
                for (int tx = 0; tx < 37; tx += 16)
                {
                    Array.Clear(tile);
                    for (int y = ty; y < Math.Min(40, ty + 16); y++)
                        for (int x = tx; x < Math.Min(37, tx + 16); x++)
                            BitConverter.TryWriteBytes(tile.AsSpan(((y - ty) * 16 + x - tx) * 2), image[0, y, x]);
                    tif.WriteTile(tile, tx, ty, 0, 0);
                }
            tif.WriteDirectory();
        }
        AssertSameVoxels(image, VolumeFile.Read(path));
    }

    [Theory]
    [InlineData(Compression.LZW)]
    [InlineData(Compression.ADOBE_DEFLATE)]
    [InlineData(Compression.PACKBITS)]
    public void CompressedStacksRead(Compression compression)
    {
        using var dir = new TempDir();
        string path = dir.File("c.tif");
        var stack = new Volume<byte>(3, 20, 24);
        for (int i = 0; i < stack.Data.Length; i++) stack.Data[i] = (byte)(i / 7 % 5 * 50);
        using (var tif = Tiff.Open(path, "w"))
            for (int z = 0; z < 3; z++)
            {
                SetBasicTags(tif, 24, 20, 8, 1);
                tif.SetField(TiffTag.COMPRESSION, compression);
                tif.SetField(TiffTag.ROWSPERSTRIP, 8);
                for (int y = 0; y < 20; y++) tif.WriteScanline(stack.Data.AsSpan((z * 20 + y) * 24, 24).ToArray(), y);
                tif.WriteDirectory();
            }
        Assert.True(new FileInfo(path).Length < stack.Data.Length, "the test file should really be compressed");
        AssertSameVoxels(stack, VolumeFile.Read(path));
    }

    [Fact]
    public void TruncatedAndForeignTiffsAreRefused()
    {
        using var dir = new TempDir();
        string path = dir.File("t.tif");
        VolumeFile.Write(path, Random<ushort>(6, 32, 32));
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        AssertMalformed(path, () => VolumeFile.Read(path));
        File.WriteAllBytes(path, [(byte)'I', (byte)'I', 42, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0]);
        AssertMalformed(path, () => VolumeFile.Read(path));
        AssertMalformed(path, () => VolumeFile.Describe(path));
        AssertMalformed(dir.File("l.ome.tif"), () => VolumeFile.Write(dir.File("l.ome.tif"), new Volume<ulong>(1, 2, 2)), "64-bit");
    }

    [Fact]
    public void HugeDeclaredDimensionsAreRefusedBeforeAllocating()
    {
        using var dir = new TempDir();
        string path = dir.File("huge.tif");
        VolumeFile.Write(path, Random<ushort>(3, 8, 8));
        byte[] bytes = File.ReadAllBytes(path);
        // Every page's ImageWidth and ImageLength (SHORT entries of the little-endian IFDs) become 65535.
        for (uint ifd = BitConverter.ToUInt32(bytes, 4); ifd != 0;)
        {
            int entries = BitConverter.ToUInt16(bytes, (int)ifd);
            for (int i = 0; i < entries; i++)
            {
                int entry = (int)ifd + 2 + 12 * i;
                if (BitConverter.ToUInt16(bytes, entry) is 256 or 257) BitConverter.TryWriteBytes(bytes.AsSpan(entry + 8), (ushort)65535);
            }
            ifd = BitConverter.ToUInt32(bytes, (int)ifd + 2 + 12 * entries);
        }
        File.WriteAllBytes(path, bytes);
        Assert.Equal(new[] { 3, 65535, 65535 }, VolumeFile.Describe(path).Shape);
        AssertMalformed(path, () => VolumeFile.Read(path), "limit");
        AssertMalformed(path, () => VolumeFile.Read(path, new VolumeReadOptions { MaxBytes = long.MaxValue }));
    }

    [Fact]
    public void MalformedOmeXmlIsRefused()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.ome.tif");
        using (var tif = Tiff.Open(path, "w"))
        {
            SetBasicTags(tif, 4, 3, 8, 1);
            tif.SetField(TiffTag.IMAGEDESCRIPTION, "<OME><Image><Pixels SizeX=\"4\" SizeY=\"oops\"/></Image>");
            for (int y = 0; y < 3; y++) tif.WriteScanline(new byte[4], y);
            tif.WriteDirectory();
        }
        AssertMalformed(path, () => VolumeFile.Read(path), "OME-XML");
    }

    private static void SetBasicTags(Tiff tif, int width, int height, int bits, int samples)
    {
        tif.SetField(TiffTag.IMAGEWIDTH, width);
        tif.SetField(TiffTag.IMAGELENGTH, height);
        tif.SetField(TiffTag.BITSPERSAMPLE, bits);
        tif.SetField(TiffTag.SAMPLESPERPIXEL, samples);
        tif.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        tif.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tif.SetField(TiffTag.ROWSPERSTRIP, height);
    }
}
