using System.Runtime.InteropServices;
using NeuroLens.Core.TensorFiles;
using static NeuroLens.Core.Tests.TensorFiles.TensorFileTestData;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.TensorFiles;

/// <summary>Reads files written by NumPy 1.24 (tools/make_npy_fixtures.py) and checks the exact values.</summary>
public class NpyFixtureTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "npy", name);

    private static Tensor Read(string name, string? entry = null)
    {
        using var source = TensorFile.Open(Fixture(name));
        return source.ReadTensor(entry ?? source.Entries[0].Name);
    }

    [Fact]
    public void BigEndianFloat64IsConvertedToLittleEndian()
    {
        using var t = Read("big_endian_f8.npy");
        Assert.Equal(ScalarType.Float64, t.dtype);
        Assert.Equal(new long[] { 2, 3 }, t.shape);
        var values = t.data<double>().ToArray();
        Assert.Equal(new[] { 1.5, 0.0, double.PositiveInfinity, double.NegativeInfinity, 1e-310, double.MaxValue }, values);
        Assert.True(double.IsNegative(values[1]));
    }

    [Fact]
    public void FortranOrderInt32IsReturnedInCOrder()
    {
        using var t = Read("fortran_i4.npy");
        Assert.Equal(new long[] { 3, 4 }, t.shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i * 10 - 7), t.data<int>().ToArray());
    }

    [Fact]
    public void BigEndianFortranInt64ThreeDimensional()
    {
        using var t = Read("big_endian_fortran_i8.npy");
        Assert.Equal(new long[] { 2, 3, 4 }, t.shape);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => (long)i - 12), t.data<long>().ToArray());
    }

    [Fact]
    public void HalfPrecisionBitsArePreserved()
    {
        using var source = TensorFile.Open(Fixture("half_f2.npy"));
        Assert.Equal(DType.F16, source.Entries[0].DType);
        var bits = source.ReadBytes("half_f2");
        Assert.Equal(new byte[] { 0x00, 0x38, 0x00, 0x80, 0xFF, 0x7B, 0x01, 0x00, 0x00, 0xC1 }, bits);
    }

    [Fact]
    public void BooleansAreRead()
    {
        using var t = Read("bool.npy");
        Assert.Equal(ScalarType.Bool, t.dtype);
        Assert.Equal(new[] { true, false, true, false, false, true }, t.data<bool>().ToArray());
    }

    [Fact]
    public void UnsignedInt64BeyondTheSignedRangeIsReadAsBytesAndConvertedExactly()
    {
        using var folder = new TempFolder();
        var expected = new ulong[] { 0, 1, 1UL << 63, ulong.MaxValue, 12345678901234567890, 7 };
        using (var source = TensorFile.Open(Fixture("u8.npy")))
        {
            var entry = source.GetEntry("u8");
            Assert.Equal(DType.U64, entry.DType);
            Assert.Equal(new long[] { 2, 3 }, entry.Shape);
            Assert.Equal(expected, MemoryMarshal.Cast<byte, ulong>(source.ReadBytes("u8")).ToArray());
            AssertNoTorchType(source, "u8");
        }
        TensorFile.Convert(Fixture("u8.npy"), folder.File("u.safetensors"));
        using var converted = TensorFile.Open(folder.File("u.safetensors"));
        Assert.Equal(DType.U64, converted.GetEntry("u8").DType);
        Assert.Equal(expected, MemoryMarshal.Cast<byte, ulong>(converted.ReadBytes("u8")).ToArray());
    }

    [Fact]
    public void BigEndianFortranUInt16IsConvertedToLittleEndianCOrder()
    {
        using var folder = new TempFolder();
        var expected = new ushort[] { 0, 1000, 2000, 3000, 4000, 5000, 65535, 1 };
        using (var source = TensorFile.Open(Fixture("big_endian_u2.npy")))
        {
            Assert.Equal(DType.U16, source.Entries[0].DType);
            Assert.Equal(new long[] { 2, 4 }, source.Entries[0].Shape);
            Assert.Equal(expected, MemoryMarshal.Cast<byte, ushort>(source.ReadBytes("big_endian_u2")).ToArray());
            AssertNoTorchType(source, "big_endian_u2");
        }
        TensorFile.Convert(Fixture("big_endian_u2.npy"), folder.File("le.npy"));
        var written = File.ReadAllBytes(folder.File("le.npy"));
        Assert.Contains("'descr': '<u2', 'fortran_order': False, 'shape': (2, 4)", System.Text.Encoding.ASCII.GetString(written));
        Assert.Equal(expected, MemoryMarshal.Cast<byte, ushort>(written.AsSpan(written.Length - 16)).ToArray());
    }

    [Fact]
    public void Version2HeaderIsRead()
    {
        using var t = Read("version2_i2.npy");
        Assert.Equal(new short[] { -32768, 0, 32767, 12345 }, t.data<short>().ToArray());
    }

    [Fact]
    public void DeflatedNpzMembersAreRead()
    {
        using var source = TensorFile.Open(Fixture("compressed.npz"));
        Assert.IsType<NpzFile>(source);
        Assert.Equal(["weights", "labels"], source.Entries.Select(e => e.Name));
        using var weights = source.ReadTensor("weights");
        Assert.Equal(new long[] { 2, 3 }, weights.shape);
        Assert.Equal(new[] { 0f, 0.25f, 0.5f, 0.75f, 1f, 1.25f }, weights.data<float>().ToArray());
        Assert.Equal(new byte[] { 3, 1, 4, 1, 5 }, source.ReadBytes("labels"));
    }

    [Fact]
    public void StoredNpzWithScalarAndEmptyArrays()
    {
        using var source = TensorFile.Open(Fixture("stored.npz"));
        using var scalar = source.ReadTensor("scalar");
        Assert.Equal(0, scalar.dim());
        Assert.Equal(2.25, scalar.item<double>());
        var empty = source.GetEntry("empty");
        Assert.Equal(DType.I8, empty.DType);
        Assert.Equal(new long[] { 0, 3 }, empty.Shape);
        Assert.Equal(0, empty.ByteLength);
        using var e = source.ReadTensor("empty");
        Assert.Equal(new long[] { 0, 3 }, e.shape);
    }

    [Theory]
    [InlineData("header_f4_2x3.npy", DType.F32, new long[] { 2, 3 })]
    [InlineData("header_f8_scalar.npy", DType.F64, new long[0])]
    [InlineData("header_b1_4.npy", DType.Bool, new long[] { 4 })]
    public void WrittenNpyIsByteIdenticalToNumpySave(string fixture, DType dtype, long[] shape)
    {
        using var folder = new TempFolder();
        var path = folder.File(fixture);
        using var zero = zeros(shape, dtype.ToScalarType());
        NpyFile.Write(path, zero);
        Assert.Equal(File.ReadAllBytes(Fixture(fixture)), File.ReadAllBytes(path));
    }

    [Fact]
    public void ObjectArrayIsRefusedBecauseItNeedsPickle()
    {
        var path = Fixture("object.npy");
        AssertFails(() => TensorFile.Open(path).Dispose(), path, "object array", "pickle");
    }
}
