using System.Text.Json;
using NeuroLens.Core.TensorFiles;
using static NeuroLens.Core.Tests.TensorFiles.TensorFileTestData;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.TensorFiles;

public sealed class ShardedSafetensorsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Five F32 tensors of 40, 40, 100, 8 and 40 bytes, written with 96-byte shards.</summary>
    private (string Index, Dictionary<string, byte[]> Bytes) WriteCheckpoint()
    {
        var sizes = new[] { ("a", 10), ("b", 10), ("big", 25), ("c", 2), ("d", 10) };
        var bytes = new Dictionary<string, byte[]>();
        var tensors = new List<(string, Tensor)>();
        foreach (var (name, count) in sizes)
        {
            bytes[name] = Bytes(DType.F32, count, seed: count + name.Length);
            tensors.Add((name, Tensor(DType.F32, [count], bytes[name])));
        }
        var index = ShardedSafetensorsWriter.Write(_folder.Path, tensors, maxShardBytes: 96,
            new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var (_, t) in tensors) t.Dispose();
        return (index, bytes);
    }

    [Fact]
    public void ShardsAreCutAtTheMaximumSizeAndReadBack()
    {
        var (index, bytes) = WriteCheckpoint();
        // a+b = 80 bytes; big (100) exceeds 96 alone and gets its own shard; c+d = 48.
        var shards = Directory.GetFiles(_folder.Path, "*.safetensors").Select(p => Path.GetFileName(p)).Order().ToList();
        Assert.Equal(new[] { "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors" }, shards);
        using var json = JsonDocument.Parse(File.ReadAllBytes(index));
        Assert.Equal(228, json.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        Assert.Equal("model-00002-of-00003.safetensors", json.RootElement.GetProperty("weight_map").GetProperty("big").GetString());

        foreach (var path in new[] { index, _folder.Path })
        {
            using var source = TensorFile.Open(path);
            Assert.IsType<ShardedSafetensors>(source);
            Assert.Equal(["a", "b", "big", "c", "d"], source.Entries.Select(e => e.Name));
            Assert.Equal("pt", source.Metadata["format"]);
            Assert.Equal("228", source.Metadata["total_size"]);
            foreach (var (name, expected) in bytes)
            {
                Assert.Equal(expected, source.ReadBytes(name));
                using var t = source.ReadTensor(name);
                Assert.Equal(expected, BytesOf(t));
            }
        }
    }

    private void RewriteIndex(string index, Func<string, string> edit) => File.WriteAllText(index, edit(File.ReadAllText(index)));

    [Fact]
    public void MissingShardIsAnError()
    {
        var (index, _) = WriteCheckpoint();
        File.Delete(Path.Combine(_folder.Path, "model-00002-of-00003.safetensors"));
        AssertFails(() => TensorFile.Open(index).Dispose(), index, "'big'", "'model-00002-of-00003.safetensors' does not exist");
    }

    [Fact]
    public void NameMissingFromItsShardIsAnError()
    {
        var (index, _) = WriteCheckpoint();
        RewriteIndex(index, s => s.Replace("\"big\": \"model-00002", "\"big\": \"model-00001", StringComparison.Ordinal));
        AssertFails(() => TensorFile.Open(index).Dispose(), index, "'big'", "not in its shard 'model-00001-of-00003.safetensors'");
    }

    [Fact]
    public void ShardOutsideTheFolderIsRefused()
    {
        var (index, _) = WriteCheckpoint();
        RewriteIndex(index, s => s.Replace("\"model-00002-of-00003.safetensors\"", "\"../../etc/passwd\"", StringComparison.Ordinal));
        AssertFails(() => TensorFile.Open(index).Dispose(), index, "'big'", "must be a file name in the index's folder");
    }

    [Fact]
    public void IndexWithoutWeightMapIsRefused()
    {
        var (index, _) = WriteCheckpoint();
        File.WriteAllText(index, "{\"metadata\": {}}");
        AssertFails(() => TensorFile.Open(index).Dispose(), index, "weight_map is missing");
    }

    [Fact]
    public void IndexThatIsNotJsonIsRefused()
    {
        var (index, _) = WriteCheckpoint();
        File.WriteAllText(index, "{\"weight_map\": ");
        AssertFails(() => TensorFile.Open(index).Dispose(), index, "not valid JSON");
    }

    [Fact]
    public void NonPositiveShardSizeIsRefused()
    {
        using var t = ones(2);
        AssertFails(() => ShardedSafetensorsWriter.Write(_folder.Path, [("t", t)], 0), "maximum shard size");
    }
}
