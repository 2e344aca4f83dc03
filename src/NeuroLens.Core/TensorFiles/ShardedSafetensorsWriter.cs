using NeuroLens.Core.IO;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// Writes a sharded safetensors checkpoint in the Hugging Face layout: shards named
/// <c>model-00001-of-0000N.safetensors</c> and an index <c>model.safetensors.index.json</c> with
/// <c>metadata.total_size</c> (the sum of the tensor byte lengths) and the <c>weight_map</c>.
/// </summary>
public static class ShardedSafetensorsWriter
{
    /// <summary>
    /// Splits <paramref name="tensors"/> into shards in the order given, starting a new shard when the
    /// next tensor would push the current one's data past <paramref name="maxShardBytes"/> (a tensor
    /// larger than that gets a shard of its own), and writes every shard and then the index into
    /// <paramref name="folder"/>, each file atomically. <paramref name="metadata"/> goes into every
    /// shard's <c>__metadata__</c>. Returns the index file's path.
    /// </summary>
    public static string Write(string folder, IReadOnlyList<(string Name, Tensor Tensor)> tensors, long maxShardBytes,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var indexPath = System.IO.Path.Combine(folder, ShardedSafetensors.IndexFileName);
        return Write(folder, PendingTensor.FromTensors(indexPath, tensors), maxShardBytes, metadata);
    }

    /// <summary>Writes pending tensors as a sharded checkpoint; see the public overload.</summary>
    internal static string Write(string folder, IReadOnlyList<PendingTensor> tensors, long maxShardBytes,
        IReadOnlyDictionary<string, string>? metadata)
    {
        var indexPath = System.IO.Path.Combine(folder, ShardedSafetensors.IndexFileName);
        if (maxShardBytes <= 0)
            throw new TensorFileException($"{indexPath}: the maximum shard size must be positive, got {maxShardBytes}");
        if (!Directory.Exists(folder))
            throw new TensorFileException($"{folder}: the folder does not exist");
        var shards = new List<List<PendingTensor>>();
        long current = 0;
        foreach (var tensor in tensors)
        {
            if (shards.Count == 0 || (shards[^1].Count > 0 && current + tensor.ByteLength > maxShardBytes))
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(tensor);
            current += tensor.ByteLength;
        }
        var weightMap = new List<(string Name, string Shard)>();
        for (int i = 0; i < shards.Count; i++)
        {
            var shardName = string.Create(CultureInfo.InvariantCulture, $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors");
            var shardPath = System.IO.Path.Combine(folder, shardName);
            var shard = shards[i];
            AtomicFile.Write(shardPath, stream => SafetensorsWriter.Write(shardPath, stream, shard, metadata));
            weightMap.AddRange(shard.Select(t => (t.Name, shardName)));
        }
        AtomicFile.Write(indexPath, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            json.WriteNumber("total_size", tensors.Sum(t => t.ByteLength));
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (name, shard) in weightMap) json.WriteString(name, shard);
            json.WriteEndObject();
            json.WriteEndObject();
        });
        return indexPath;
    }
}
