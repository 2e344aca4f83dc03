using System.Text.Json;
using NeuroLens.Core.TensorFiles;
using static TorchSharp.torch;

namespace NeuroLens.Cli.Tests;

public sealed class TensorsCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neurolens-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Sample(string name)
    {
        var path = Path.Combine(_folder, name);
        using var a = arange(12, dtype: float32).reshape(3, 4);
        using var b = tensor(new long[] { 1, 2, 3 });
        TensorFile.Write(path, [("layer.weight", a), ("layer.ids", b)]);
        return path;
    }

    [Fact]
    public void ListsEveryTensorAsJson()
    {
        var r = CliRunner.Run("tensors", "ls", Sample("m.safetensors"), "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var tensors = doc.RootElement.GetProperty("tensors").EnumerateArray().ToList();
        Assert.Equal(2, tensors.Count);
        var weight = tensors.Single(t => t.GetProperty("name").GetString() == "layer.weight");
        Assert.Equal("F32", weight.GetProperty("dtype").GetString());
        Assert.Equal(new long[] { 3, 4 }, weight.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(48, weight.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public void ListPrintsATable()
    {
        var r = CliRunner.Run("tensors", "ls", Sample("m.npz"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("layer.weight", r.Stdout);
        Assert.Contains("(3, 4)", r.Stdout);
    }

    [Fact]
    public void ConvertRoundTripsThroughNpz()
    {
        var src = Sample("m.safetensors");
        var npz = Path.Combine(_folder, "m.npz");
        var back = Path.Combine(_folder, "back.safetensors");
        Assert.Equal(0, CliRunner.Run("tensors", "convert", src, npz, "--quiet").ExitCode);
        Assert.Equal(0, CliRunner.Run("tensors", "convert", npz, back, "--quiet").ExitCode);
        using var x = TensorFile.Open(src);
        using var y = TensorFile.Open(back);
        foreach (var e in x.Entries)
            Assert.Equal(x.ReadBytes(e.Name).ToArray(), y.ReadBytes(e.Name).ToArray());
    }

    [Fact]
    public void UnsignedTensorsTorchLacksAreListedAndConvertedBitExactly()
    {
        var src = Path.Combine(_folder, "u.npz");
        var bytes = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 0, 0, 0, 0x80 };
        TensorFile.Write(src, [new RawTensor("ids", DType.U64, [2], s => s.Write(bytes)), new RawTensor("counts", DType.U16, [8], s => s.Write(bytes))]);
        var r = CliRunner.Run("tensors", "ls", src, "--json");
        Assert.Equal(0, r.ExitCode);
        using (var doc = JsonDocument.Parse(r.Stdout))
            Assert.Equal(["U64", "U16"], doc.RootElement.GetProperty("tensors").EnumerateArray().Select(t => t.GetProperty("dtype").GetString()));
        var dst = Path.Combine(_folder, "u.safetensors");
        Assert.Equal(0, CliRunner.Run("tensors", "convert", src, dst, "--quiet").ExitCode);
        using var back = TensorFile.Open(dst);
        Assert.Equal((DType.U64, DType.U16), (back.GetEntry("ids").DType, back.GetEntry("counts").DType));
        Assert.Equal(bytes, back.ReadBytes("ids"));
        Assert.Equal(bytes, back.ReadBytes("counts"));
    }

        public static TheoryData<string> BadPaths => new() { "missing", "directory", "pickle", "garbage" };

    [Theory]
    [MemberData(nameof(BadPaths))]
    public void BadInputPrintsOneLineAndFails(string kind)
    {
        string path = kind switch
        {
            "missing" => Path.Combine(_folder, "nope.safetensors"),
            "directory" => Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName,
            "pickle" => WriteBytes("pytorch_model.bin", [0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]),
            _ => WriteBytes("junk.safetensors", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x7b]),
        };
        var r = CliRunner.Run("tensors", "ls", path);
        Assert.Equal(1, r.ExitCode);
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("neurolens: ", line);
        Assert.Contains(Path.GetFileName(path), line);
        Assert.Equal("", r.Stdout);
        if (kind == "pickle") Assert.Contains("safetensors", line);
    }

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
