using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Imaging.IO;
using static NeuroLens.Imaging.Tests.IO.IoTestData;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Tests.IO;

public class NpyTests
{
    public static TheoryData<VoxelType, string> TypesAndExtensions()
    {
        var data = new TheoryData<VoxelType, string>();
        foreach (var type in Enum.GetValues<VoxelType>())
            foreach (var ext in new[] { ".npy", ".npz" }) data.Add(type, ext);
        return data;
    }

    [Theory]
    [MemberData(nameof(TypesAndExtensions))]
    public void EveryVoxelTypeRoundTripsBitExactly(VoxelType type, string ext)
    {
        using var dir = new TempDir();
        string path = dir.File("v" + ext);
        var volume = RandomOf(type, 3, 5, 4, seed: (int)type + 1);
        VolumeFile.Write(path, volume);
        var back = VolumeFile.Read(path);
        AssertSameVoxels(volume, back);
        Assert.Equal(new double[] { 1, 1, 1 }, back.VoxelSize);
        // Core sees the NumPy dtype of the same name: a file NumPy reads as the same array.
        using var source = TensorFile.Open(path);
        var entry = Assert.Single(source.Entries);
        Assert.Equal(VoxelTypes.Name(type), NumpyName(entry.DType));
        Assert.Equal(new long[] { 3, 5, 4 }, entry.Shape);
        Assert.Equal(VoxelBytes(volume), source.ReadBytes(entry.Name));
    }

    [Theory]
    [InlineData(1, 1, 2, new long[] { 6, 5 })]       // 2D image -> [y, x]
    [InlineData(1, 1, 3, new long[] { 1, 6, 5 })]    // 3D volume of depth 1 stays 3D
    [InlineData(4, 1, 3, new long[] { 4, 6, 5 })]    // 3D volume -> [z, y, x]
    [InlineData(4, 2, 3, new long[] { 2, 4, 6, 5 })] // multi-channel -> [c, z, y, x]
    public void ShapesMapToArrayAxes(int depth, int channels, int dimensions, long[] arrayShape)
    {
        using var dir = new TempDir();
        string path = dir.File("s.npy");
        var volume = Random<ushort>(depth, 6, 5, channels, dimensions: dimensions);
        VolumeFile.Write(path, volume);
        using (var file = NpyFile.Open(path)) Assert.Equal(arrayShape, file.Entries[0].Shape);
        var back = VolumeFile.Read(path);
        AssertSameVoxels(volume, back);
        var info = VolumeFile.Describe(path);
        Assert.Equal(volume.Shape, info.Shape);
        Assert.Equal((channels, dimensions, "npy", VoxelType.UInt16), (info.Channels, info.Dimensions, info.Format, info.Type));
    }

    [Fact]
    public void TwoDimensionalMultiChannelImageReadsBackAsDepthOneVolume()
    {
        using var dir = new TempDir();
        var image = Random<byte>(1, 4, 3, channels: 3);
        VolumeFile.Write(dir.File("rgb.npy"), image);
        var back = VolumeFile.Read(dir.File("rgb.npy"));
        Assert.Equal((3, 1, 3), (back.Channels, back.Depth, back.Dimensions));
        Assert.Equal(image.Data, back.As<byte>().Data);
    }

    [Fact]
    public void BoolArraysReadAsUInt8AndHalfFloatsAreRefused()
    {
        using var dir = new TempDir();
        using (var mask = tensor(new[] { true, false, false, true, true, false }).reshape(2, 3))
            NpyFile.Write(dir.File("mask.npy"), mask);
        var read = VolumeFile.Read<byte>(dir.File("mask.npy"));
        Assert.Equal(new byte[] { 1, 0, 0, 1, 1, 0 }, read.Data);
        Assert.Equal(VoxelType.UInt8, VolumeFile.Describe(dir.File("mask.npy")).Type);

        using (var half = zeros(2, 2, ScalarType.Float16)) NpyFile.Write(dir.File("half.npy"), half);
        AssertMalformed(dir.File("half.npy"), () => VolumeFile.Read(dir.File("half.npy")), "F16");
    }

    [Fact]
    public void BigEndianArraysAreConverted()
    {
        using var dir = new TempDir();
        string path = dir.File("be.npy");
        WriteNpy(path, "{'descr': '>u2', 'fortran_order': False, 'shape': (2, 2), }", [0x01, 0x02, 0xFF, 0x00, 0x00, 0x01, 0x80, 0x00]);
        Assert.Equal(new ushort[] { 0x0102, 0xFF00, 0x0001, 0x8000 }, VolumeFile.Read<ushort>(path).Data);
    }

    [Fact]
    public void NpzArrayIsChosenByDatasetName()
    {
        using var dir = new TempDir();
        string path = dir.File("two.npz");
        var raw = Random<byte>(2, 3, 4, seed: 1);
        var labels = Random<ulong>(2, 3, 4, seed: 2);
        NpzFile.Write(path, [Raw("raw", raw.Data, [2, 3, 4], DType.U8), Raw("labels", labels.Data, [2, 3, 4], DType.U64)]);
        AssertSameVoxels(labels, VolumeFile.Read(path, new VolumeReadOptions { Dataset = "labels" }));
        AssertSameVoxels(raw, VolumeFile.Read(path, new VolumeReadOptions { Dataset = "raw" }));
        var info = VolumeFile.Describe(path, new VolumeReadOptions { Dataset = "labels" });
        Assert.Equal(("npz", "labels", VoxelType.UInt64), (info.Format, info.Dataset, info.Type));
        // With two arrays there is no default: the error lists them.
        var e = AssertMalformed(path, () => VolumeFile.Read(path), "'volumes/raw'");
        Assert.Contains("'raw', 'labels'", e.Message);

        // A single array is read whatever its name; numpy.savez names it arr_0.
        string single = dir.File("single.npz");
        NpzFile.Write(single, [Raw("arr_0", labels.Data, [2, 3, 4], DType.U64)], compress: true);
        AssertSameVoxels(labels, VolumeFile.Read(single));
        AssertMalformed(single, () => VolumeFile.Read(single, new VolumeReadOptions { Dataset = "other" }), "'arr_0'");
    }

    [Fact]
    public void DescribeReadsOnlyTheHeader()
    {
        using var dir = new TempDir();
        string path = dir.File("huge.npy");
        // 3 GiB of uint8 declared; the file is sparse, so nothing is stored (and nothing must be read).
        long[] shape = [3, 1024, 1024, 1024];
        WriteNpy(path, "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 1024, 1024, 1024), }", []);
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length + 3L * 1024 * 1024 * 1024);
        var info = VolumeFile.Describe(path);
        Assert.Equal((3, VoxelType.UInt8, 3), (info.Channels, info.Type, info.Dimensions));
        Assert.Equal(new[] { 1024, 1024, 1024 }, info.Shape);
        Assert.Equal("huge.npy", Assert.Single(info.Levels).Path);
        // Reading it is refused by the size limit before any voxel memory is allocated.
        AssertMalformed(path, () => VolumeFile.Read(path), "exceeds the read limit");
        using var file = NpyFile.Open(path);
        Assert.Equal(shape, file.Entries[0].Shape);
    }

    [Theory]
    [InlineData("{'descr': '<u2', 'fortran_order': False, 'shape': (4, 4), }", 8, "truncated")]
    [InlineData("{'descr': '<u2', 'fortran_order': False, 'shape': (4, 4)", 32, ".npy")]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (2, 2), }", 32, "unsupported .npy dtype")]
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16, "pickle")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (8,), }", 32, "needs 2 axes")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3, 2, 1, 1), }", 48, "needs 2 axes")]
    [InlineData("{'descr': '<i4', 'fortran_order': False, 'shape': (0, 4), }", 0, "not positive")]
    public void MalformedNpyIsAOneLineErrorNamingTheFile(string header, int dataBytes, string mentions)
    {
        using var dir = new TempDir();
        string path = dir.File("bad.npy");
        WriteNpy(path, header, new byte[dataBytes]);
        var e = AssertMalformed(path, () => VolumeFile.Read(path), mentions);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain(path + ": " + path, e.Message);
    }

    [Fact]
    public void ZipThatIsNotAnNpzIsAOneLineError()
    {
        using var dir = new TempDir();
        string path = dir.File("notes.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var member = zip.CreateEntry("readme.txt").Open())
            member.Write("hello"u8);
        Assert.Equal(VolumeFormat.Npz, VolumeFile.Detect(path));
        AssertMalformed(path, () => VolumeFile.Read(path), "not a .npy array");
    }

    private static RawTensor Raw<T>(string name, T[] data, long[] shape, DType dtype) where T : unmanaged =>
        new(name, dtype, shape, stream => stream.Write(MemoryMarshal.AsBytes(data.AsSpan())));

    private static string NumpyName(DType dtype) => dtype switch
    {
        DType.U8 => "uint8", DType.I8 => "int8", DType.U16 => "uint16", DType.I16 => "int16",
        DType.U32 => "uint32", DType.I32 => "int32", DType.U64 => "uint64", DType.I64 => "int64",
        DType.F32 => "float32", DType.F64 => "float64", _ => dtype.ToString(),
    };

    /// <summary>A version 1.0 .npy with the given header dict (padded to 64 bytes, as NumPy does) and data.</summary>
    private static void WriteNpy(string path, string dict, byte[] data)
    {
        int padded = (10 + dict.Length + 1 + 63) / 64 * 64 - 10;
        var header = Encoding.ASCII.GetBytes(dict.PadRight(padded - 1) + "\n");
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(header);
        stream.Write(data);
    }
}
