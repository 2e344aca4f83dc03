using System.Text;
using NeuroLens.Core.TensorFiles;
using static NeuroLens.Core.Tests.TensorFiles.TensorFileTestData;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.TensorFiles;

public class SafetensorsFileTests
{
    public static TheoryData<DType> AllTypes => DTypes();

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void EveryDTypeRoundTripsBitExactly(DType dtype)
    {
        using var folder = new TempFolder();
        var path = folder.File("t.safetensors");
        var bytes = Bytes(dtype, 24);
        var scalarBytes = Bytes(dtype, 1, seed: 2);
        if (dtype.HasScalarType())
        {
            using var tensor = Tensor(dtype, [2, 3, 4], bytes);
            using var scalar = Tensor(dtype, [], scalarBytes);
            using var none = Tensor(dtype, [3, 0, 2], []);
            SafetensorsWriter.Write(path, [("w", tensor), ("s", scalar), ("z", none)]);
        }
        else
        {
            TensorFile.Write(path, [Raw("w", dtype, [2, 3, 4], bytes), Raw("s", dtype, [], scalarBytes), Raw("z", dtype, [3, 0, 2], [])]);
        }

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["w", "s", "z"], file.Entries.Select(e => e.Name));
        Assert.Equal(new long[] { 2, 3, 4 }, file.GetEntry("w").Shape);
        Assert.Equal(dtype, file.GetEntry("w").DType);
        Assert.Empty(file.GetEntry("s").Shape);
        Assert.Equal(0, file.GetEntry("z").ByteLength);
        Assert.Equal(bytes, file.ReadBytes("w"));
        Assert.Equal(scalarBytes, file.ReadBytes("s"));
        var copied = new MemoryStream();
        file.CopyTo("w", copied);
        Assert.Equal(bytes, copied.ToArray());
        if (!dtype.HasScalarType())
        {
            Assert.Contains($"\"dtype\":\"{dtype}\"", Encoding.UTF8.GetString(File.ReadAllBytes(path)));
            AssertNoTorchType(file, "w");
            return;
        }
        using var back = file.ReadTensor("w");
        Assert.Equal(dtype.ToScalarType(), back.dtype);
        Assert.Equal(new long[] { 2, 3, 4 }, back.shape);
        Assert.Equal(bytes, BytesOf(back));
        using var backScalar = file.ReadTensor("s");
        Assert.Equal(0, backScalar.dim());
        Assert.Equal(scalarBytes, BytesOf(backScalar));
        using var backNone = file.ReadTensor("z");
        Assert.Equal(new long[] { 3, 0, 2 }, backNone.shape);
    }

    [Fact]
    public void WrittenFileHasTheReferenceLayout()
    {
        using var folder = new TempFolder();
        var path = folder.File("layout.safetensors");
        using var a = tensor(new float[] { 1f, -2f }, new long[] { 2 });
        using var b = tensor(new short[] { 7 }, new long[] { 1, 1 });
        SafetensorsWriter.Write(path, [("a", a), ("b", b)], new Dictionary<string, string> { ["format"] = "pt" });

        const string json = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"I16\",\"shape\":[1,1],\"data_offsets\":[8,10]}}";
        var header = Encoding.UTF8.GetBytes(json + new string(' ', (8 - json.Length % 8) % 8));
        var expected = new List<byte>();
        expected.AddRange(BitConverter.GetBytes((ulong)header.Length));
        expected.AddRange(header);
        expected.AddRange([0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x07, 0x00]);
        Assert.Equal(0, header.Length % 8);
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(new long[] { 2, 3 }, "(2, 3)", 6)]
    [InlineData(new long[] { 4 }, "(4,)", 4)]
    [InlineData(new long[0], "()", 1)]
    [InlineData(new long[] { 5, 0 }, "(5, 0)", 0)]
    public void EntryDescribesShapeAndElementCount(long[] shape, string text, long count)
    {
        var entry = new TensorEntry("t", DType.I16, shape, count * 2, 0);
        Assert.Equal(text, entry.ShapeText);
        Assert.Equal(count, entry.ElementCount);
    }

    [Fact]
    public void MetadataRoundTrips()
    {
        using var folder = new TempFolder();
        var path = folder.File("m.safetensors");
        using var a = ones(3);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\"" };
        SafetensorsWriter.Write(path, [("a", a)], metadata);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(metadata, file.Metadata);
    }

    [Fact]
    public void NonContiguousTensorsAreStoredInCOrder()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.safetensors");
        using var m = arange(6, ScalarType.Int32).reshape(2, 3);
        using var t = m.t();
        SafetensorsWriter.Write(path, [("t", t)]);
        using var file = SafetensorsFile.Open(path);
        using var back = file.ReadTensor("t");
        Assert.Equal(new long[] { 3, 2 }, back.shape);
        Assert.Equal(new[] { 0, 3, 1, 4, 2, 5 }, back.data<int>().ToArray());
    }

    [Fact]
    public void CopyToStreamsTheTensorBytes()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.safetensors");
        var bytes = Bytes(DType.F64, 10);
        using var t = Tensor(DType.F64, [10], bytes);
        SafetensorsWriter.Write(path, [("x", t)]);
        using var file = SafetensorsFile.Open(path);
        using var sink = new MemoryStream();
        file.CopyTo("x", sink);
        Assert.Equal(bytes, sink.ToArray());
    }

    [Fact]
    public void DuplicateAndReservedNamesAreRefused()
    {
        using var folder = new TempFolder();
        using var a = ones(1);
        AssertFails(() => SafetensorsWriter.Write(folder.File("d.safetensors"), [("a", a), ("a", a)]), "'a'", "twice");
        AssertFails(() => SafetensorsWriter.Write(folder.File("r.safetensors"), [("__metadata__", a)]), "'__metadata__'");
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void UnknownTensorNameIsAnError()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.safetensors");
        using var a = ones(1);
        SafetensorsWriter.Write(path, [("a", a)]);
        using var file = SafetensorsFile.Open(path);
        AssertFails(() => file.ReadTensor("b"), path, "'b'");
    }
}
