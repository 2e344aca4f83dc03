using NeuroLens.Core.IO;
using System.IO.Compression;
using NeuroLens.Core.TensorFiles;
using static NeuroLens.Core.Tests.TensorFiles.TensorFileTestData;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.TensorFiles;

public sealed class TensorFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("x.safetensors", typeof(SafetensorsFile))]
    [InlineData("x.npy", typeof(NpyFile))]
    [InlineData("x.npz", typeof(NpzFile))]
    public void WriteChoosesTheFormatByExtensionAndOpenDetectsIt(string name, Type expected)
    {
        var path = _folder.File(name);
        using var t = arange(6, ScalarType.Float64).reshape(2, 3);
        TensorFile.Write(path, [("x", t)]);
        // Detection uses the content, not only the extension.
        var renamed = _folder.File("renamed.data");
        File.Copy(path, renamed);
        foreach (var p in new[] { path, renamed })
        {
            using var source = TensorFile.Open(p);
            Assert.IsType(expected, source);
            using var back = source.ReadTensor(source.Entries[0].Name);
            Assert.Equal(new[] { 0.0, 1, 2, 3, 4, 5 }, back.data<double>().ToArray());
        }
    }

    [Fact]
    public void FolderWithASingleModelFileOpens()
    {
        using var t = ones(2);
        TensorFile.Write(_folder.File("model.safetensors"), [("t", t)]);
        using var source = TensorFile.Open(_folder.Path);
        Assert.IsType<SafetensorsFile>(source);
    }

    [Fact]
    public void MissingPathIsAnError()
    {
        var path = _folder.File("nothing-here.safetensors");
        AssertFails(() => TensorFile.Open(path), path, "no such file or folder");
    }

    [Fact]
    public void FolderThatIsNotACheckpointIsAnError()
    {
        File.WriteAllText(_folder.File("notes.txt"), "hi");
        AssertFails(() => TensorFile.Open(_folder.Path), _folder.Path, "is a folder without model.safetensors.index.json or model.safetensors");
    }

    [Fact]
    public void UnknownFormatIsAnError()
    {
        var path = _folder.File("notes.txt");
        File.WriteAllText(path, "just some text, not tensors");
        AssertFails(() => TensorFile.Open(path), path, "unknown tensor file format");
    }

    // The start of what torch.save wrote before PyTorch 1.6: PROTO 2, then a pickled magic number.
    private static readonly byte[] LegacyPickle = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];

    [Theory]
    [InlineData("model.pt")]
    [InlineData("weights.data")]
    public void RawPickleIsRefusedWithConversionAdvice(string name)
    {
        var path = _folder.File(name);
        File.WriteAllBytes(path, LegacyPickle);
        AssertFails(() => TensorFile.Open(path), path, "pickle", "arbitrary code", "from safetensors.torch import save_file", "weights_only=True");
    }

    [Fact]
    public void ZipPickleCheckpointIsRefused()
    {
        var path = _folder.File("model.pth");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var member = zip.CreateEntry("archive/data.pkl").Open())
            member.Write(LegacyPickle);
        AssertFails(() => TensorFile.Open(path), path, "pickle", "arbitrary code");
    }

    [Fact]
    public void BinExtensionIsRefusedEvenWithUnknownContent()
    {
        var path = _folder.File("pytorch_model.bin");
        File.WriteAllBytes(path, [1, 2, 3, 4]);
        AssertFails(() => TensorFile.Open(path), path, "pickle");
        AssertFails(() => TensorFile.Open(_folder.Path), path, "pickle");
    }

    [Fact]
    public void NpyNeedsExactlyOneTensor()
    {
        using var a = ones(1);
        using var b = ones(1);
        var path = _folder.File("two.npy");
        AssertFails(() => TensorFile.Write(path, [("a", a), ("b", b)]), path, "exactly one tensor");
    }

    [Fact]
    public void UnknownOutputExtensionIsRefused()
    {
        using var a = ones(1);
        var path = _folder.File("out.h5");
        AssertFails(() => TensorFile.Write(path, [("a", a)]), path, "'.h5'");
    }

    [Fact]
    public void FailedWriteLeavesNoFileAndKeepsTheOldOne()
    {
        var path = _folder.File("keep.safetensors");
        File.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new InvalidOperationException("disk on fire");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void ConvertRoundTripsThroughEveryFormat()
    {
        // Raw bytes, so that the dtypes torch lacks (U16, U32, U64) are in the round trip too.
        var tensors = new List<RawTensor>();
        var bytes = new Dictionary<string, byte[]>();
        foreach (var dtype in AllDTypes.Where(d => d != DType.BF16))
        {
            var name = "t_" + dtype;
            bytes[name] = Bytes(dtype, 6, seed: (int)dtype);
            tensors.Add(Raw(name, dtype, [3, 2], bytes[name]));
        }
        var first = _folder.File("a.safetensors");
        TensorFile.Write(first, tensors, new Dictionary<string, string> { ["k"] = "v" });

        Assert.Equal(tensors.Count, TensorFile.Convert(first, _folder.File("b.npz")));
        using (var b = TensorFile.Open(_folder.File("b.npz")))
            Assert.Equal(tensors.Select(t => t.DType), b.Entries.Select(e => e.DType));
        TensorFile.Convert(_folder.File("b.npz"), _folder.File("c.safetensors"));
        using (var c = TensorFile.Open(_folder.File("c.safetensors")))
        {
            Assert.Empty(c.Metadata);
            Assert.Equal(tensors.Select(t => t.DType), c.Entries.Select(e => e.DType));
            foreach (var (name, expected) in bytes) Assert.Equal(expected, c.ReadBytes(name));
        }
        foreach (var (name, expected) in bytes)
        {
            using (var one = TensorFile.Open(first)) TensorFile.Write(_folder.File("one.safetensors"), [Raw(name, one.GetEntry(name).DType, [3, 2], one.ReadBytes(name))]);
            TensorFile.Convert(_folder.File("one.safetensors"), _folder.File("one.npy"));
            using var npy = TensorFile.Open(_folder.File("one.npy"));
            Assert.Equal(expected, npy.ReadBytes("one"));
        }
        TensorFile.Convert(first, _folder.File("d.safetensors"));
        using (var d = TensorFile.Open(_folder.File("d.safetensors")))
            Assert.Equal("v", d.Metadata["k"]);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(_folder.File("d.safetensors")));
    }

    [Fact]
    public void ConvertSingleNpyToSafetensorsAndBack()
    {
        var bytes = Bytes(DType.F16, 8);
        using (var t = Tensor(DType.F16, [2, 2, 2], bytes)) NpyFile.Write(_folder.File("w.npy"), t);
        TensorFile.Convert(_folder.File("w.npy"), _folder.File("w.safetensors"));
        TensorFile.Convert(_folder.File("w.safetensors"), _folder.File("w2.npy"));
        Assert.Equal(File.ReadAllBytes(_folder.File("w.npy")), File.ReadAllBytes(_folder.File("w2.npy")));
    }

    [Theory]
    [InlineData(-1L, 6, "negative extent")]
    [InlineData(3L, 5, "wrote 5 bytes of data, but U16 of shape (3) needs 6")]
    [InlineData(3L, 7, "wrote 7 bytes of data")]
    public void RawTensorWithAWrongShapeOrByteCountLeavesNoFile(long extent, int written, string message)
    {
        var path = _folder.File("bad.npz");
        AssertFails(() => TensorFile.Write(path, [Raw("u", DType.U16, [extent], new byte[written])]), path, "'u'", message);
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void ConvertingBf16ToNumpyFailsCleanly()
    {
        using (var t = zeros(2, ScalarType.BFloat16)) TensorFile.Write(_folder.File("b.safetensors"), [("b", t)]);
        AssertFails(() => TensorFile.Convert(_folder.File("b.safetensors"), _folder.File("b.npz")), "b.npz", "BF16");
        Assert.False(File.Exists(_folder.File("b.npz")));
        Assert.Single(Directory.GetFiles(_folder.Path));
    }
}
