using System.Text;
using NeuroLens.Core.TensorFiles;
using static NeuroLens.Core.Tests.TensorFiles.TensorFileTestData;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.TensorFiles;

public sealed class NpyFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<DType> NumpyTypes()
    {
        var data = new TheoryData<DType>();
        foreach (var d in AllDTypes.Where(d => d != DType.BF16)) data.Add(d);
        return data;
    }

    [Theory]
    [MemberData(nameof(NumpyTypes))]
    public void NpyRoundTripsBitExactly(DType dtype)
    {
        var path = _folder.File("x.npy");
        var bytes = Bytes(dtype, 30);
        if (dtype.HasScalarType())
        {
            using var t = Tensor(dtype, [5, 3, 2], bytes);
            NpyFile.Write(path, t);
        }
        else
        {
            TensorFile.Write(path, [Raw("x", dtype, [5, 3, 2], bytes)]);
        }
        using var file = NpyFile.Open(path);
        var entry = Assert.Single(file.Entries);
        Assert.Equal(("x", dtype), (entry.Name, entry.DType));
        Assert.Equal(new long[] { 5, 3, 2 }, entry.Shape);
        Assert.Equal(bytes, file.ReadBytes("x"));
        Assert.Contains($"'descr': '{dtype.NumpyDescr()}'", Encoding.ASCII.GetString(File.ReadAllBytes(path), 10, 60));
        if (!dtype.HasScalarType())
        {
            AssertNoTorchType(file, "x");
            return;
        }
        using var back = file.ReadTensor("x");
        Assert.Equal(bytes, BytesOf(back));
        Assert.Equal(new long[] { 5, 3, 2 }, back.shape);
    }

    [Theory]
    [MemberData(nameof(NumpyTypes))]
    public void NpzRoundTripsBitExactlyStoredAndDeflated(DType dtype)
    {
        var bytes = Bytes(dtype, 12);
        var scalarBytes = Bytes(dtype, 1, seed: 3);
        foreach (var compress in new[] { false, true })
        {
            var path = _folder.File($"x{compress}.npz");
            if (dtype.HasScalarType())
            {
                using var t = Tensor(dtype, [4, 3], bytes);
                using var scalar = Tensor(dtype, [], scalarBytes);
                using var none = Tensor(dtype, [0], []);
                NpzFile.Write(path, [("a/b", t), ("s", scalar), ("z", none)], compress);
            }
            else
            {
                NpzFile.Write(path, [Raw("a/b", dtype, [4, 3], bytes), Raw("s", dtype, [], scalarBytes), Raw("z", dtype, [0], [])], compress);
            }
            using var file = NpzFile.Open(path);
            Assert.Equal(["a/b", "s", "z"], file.Entries.Select(e => e.Name));
            Assert.All(file.Entries, e => Assert.Equal(dtype, e.DType));
            Assert.Equal(bytes, file.ReadBytes("a/b"));
            Assert.Equal(scalarBytes, file.ReadBytes("s"));
            Assert.Equal(0, file.GetEntry("z").ByteLength);
            if (!dtype.HasScalarType())
            {
                AssertNoTorchType(file, "a/b");
                continue;
            }
            using var back = file.ReadTensor("a/b");
            Assert.Equal(bytes, BytesOf(back));
            using var s = file.ReadTensor("s");
            Assert.Equal(0, s.dim());
            Assert.Equal(scalarBytes, BytesOf(s));
        }
    }

    [Fact]
    public void Bf16IsRefusedForNumpyFormats()
    {
        using var t = zeros(3, ScalarType.BFloat16);
        AssertFails(() => NpyFile.Write(_folder.File("b.npy"), t), "b.npy", "'b'", "BF16 has no NumPy dtype");
        AssertFails(() => NpzFile.Write(_folder.File("b.npz"), [("w", t)]), "b.npz", "'w'", "BF16");
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    private string WriteNpy(string header, int dataBytes, byte major = 1, uint? headerLength = null)
    {
        var path = _folder.File($"bad-{Guid.NewGuid():N}.npy");
        var text = Encoding.ASCII.GetBytes(header);
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0]);
        if (major == 1) stream.Write(BitConverter.GetBytes((ushort)(headerLength ?? (uint)text.Length)));
        else stream.Write(BitConverter.GetBytes(headerLength ?? (uint)text.Length));
        stream.Write(text);
        stream.Write(new byte[dataBytes]);
        return path;
    }

    private static void Fails(string path, params string[] fragments) =>
        AssertFails(() => NpyFile.Open(path).Dispose(), [path, .. fragments]);

    private const string F4x3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n";

    [Fact]
    public void ValidHandWrittenHeaderOpens()
    {
        using var file = NpyFile.Open(WriteNpy(F4x3, 12));
        Assert.Equal(new long[] { 3 }, file.Entries[0].Shape);
    }

    [Fact]
    public void Version3HeaderWithUtf8IsRead()
    {
        // Version 3.0 differs from 2.0 only in allowing UTF-8 in the header.
        var path = _folder.File("v3.npy");
        var dict = Encoding.UTF8.GetBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }    \n");
        using (var stream = File.Create(path))
        {
            stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 3, 0]);
            stream.Write(BitConverter.GetBytes((uint)dict.Length));
            stream.Write(dict);
            stream.Write(BitConverter.GetBytes(-5));
            stream.Write(BitConverter.GetBytes(9));
        }
        using var file = NpyFile.Open(path);
        using var t = file.ReadTensor("v3");
        Assert.Equal(new[] { -5, 9 }, t.data<int>().ToArray());
    }

    [Fact]
    public void BadMagicIsRefused()
    {
        var path = _folder.File("bad.npy");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("NUMPY? not really an array"));
        Fails(path, "magic");
    }

    [Fact]
    public void TruncatedDataIsRefused() => Fails(WriteNpy(F4x3, 11), "truncated", "needs 12 bytes", "only 11");

    [Fact]
    public void HugeHeaderLengthIsRefused() => Fails(WriteNpy(F4x3, 12, major: 2, headerLength: uint.MaxValue), "header length 4294967295", "limit");

    [Fact]
    public void HeaderLengthBeyondTheFileIsRefused() => Fails(WriteNpy(F4x3, 0, headerLength: 5000), "header length 5000", "truncated");

    [Fact]
    public void ShapeOverflowIsRefused() =>
        Fails(WriteNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }\n", 0), "overflows");

    [Fact]
    public void ShapeBeyondInt64IsRefused() =>
        Fails(WriteNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }\n", 0), "does not fit");

    [Fact]
    public void HugeShapeIsRefusedWithoutAllocating() =>
        Fails(WriteNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000), }\n", 16), "truncated", "needs 8000000000000 bytes");

    [Fact]
    public void ObjectDTypeIsRefused() =>
        Fails(WriteNpy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }\n", 16), "object array", "pickle");

    [Fact]
    public void StructuredDTypeIsRefused() =>
        Fails(WriteNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }\n", 8), "structured");

    [Fact]
    public void UnsupportedDTypeIsRefused() =>
        Fails(WriteNpy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }\n", 16), "unsupported .npy dtype '<c16'");

    [Fact]
    public void UnsupportedVersionIsRefused() => Fails(WriteNpy(F4x3, 12, major: 4), "version 4.0");

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (3,), }", "must contain")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}", "unexpected key 'x'")]
    [InlineData("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", "appears twice")]
    [InlineData("{'descr': '<f4', 'fortran_order': maybe, 'shape': (3,)}", "True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-3,)}", "not a non-negative integer")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3)}", "(n,)")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} __import__('os')", "unexpected text")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)", "expected '}'")]
    public void MalformedHeaderDictsAreRefused(string dict, string fragment) =>
        Fails(WriteNpy(dict + "\n", 12), "malformed .npy header", fragment);

    [Fact]
    public void PythonTwoLongSuffixIsAccepted()
    {
        using var file = NpyFile.Open(WriteNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (3L,), }\n", 12));
        Assert.Equal(new long[] { 3 }, file.Entries[0].Shape);
    }

    [Fact]
    public void NpzWithANonNpyMemberIsRefused()
    {
        var path = _folder.File("odd.npz");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        using (var w = new StreamWriter(zip.CreateEntry("readme.txt").Open()))
            w.Write("hello");
        AssertFails(() => NpzFile.Open(path).Dispose(), path, "'readme.txt'", "not a .npy array");
    }

    [Fact]
    public void NpzWithATruncatedMemberIsRefused()
    {
        var path = _folder.File("trunc.npz");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        using (var member = zip.CreateEntry("w.npy").Open())
        {
            member.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
            member.Write(BitConverter.GetBytes((ushort)F4x3.Length));
            member.Write(Encoding.ASCII.GetBytes(F4x3));
            member.Write(new byte[4]);
        }
        AssertFails(() => NpzFile.Open(path).Dispose(), path, "'w.npy'", "truncated");
    }

    [Fact]
    public void RandomCorruptionsOnlyEverRaiseTensorFileException()
    {
        var valid = _folder.File("valid.npy");
        using (var t = arange(24, ScalarType.Int32).reshape(2, 3, 4)) NpyFile.Write(valid, t);
        var original = File.ReadAllBytes(valid);
        TensorFileTestData.FuzzReads(original, _folder.File("fuzz.npy"), seed: 11, mutableBytes: 128, NpyFile.Open);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RandomNpzCorruptionsOnlyEverRaiseTensorFileException(bool compress)
    {
        var valid = _folder.File("valid.npz");
        using (var a = arange(24, ScalarType.Int32).reshape(2, 3, 4))
        using (var b = ones(new long[] { 7 }, ScalarType.Float64))
            NpzFile.Write(valid, [("a", a), ("b", b)], compress);
        var original = File.ReadAllBytes(valid);
        TensorFileTestData.FuzzReads(original, _folder.File("fuzz.npz"), seed: compress ? 5 : 6, mutableBytes: int.MaxValue, TensorFile.Open);
    }
}
