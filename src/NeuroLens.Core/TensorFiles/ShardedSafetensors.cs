using System.Text.Json;
using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// A sharded safetensors checkpoint as Hugging Face writes it: <c>model.safetensors.index.json</c>
/// (<c>{"metadata": {...}, "weight_map": {tensor name: shard file name}}</c>) beside the shard files.
/// Opening validates the index, opens every shard (headers only) and checks that every tensor the
/// index names is in its shard. Tensors a shard holds but the index does not name are ignored, as in
/// transformers. <see cref="Metadata"/> is the shards' <c>__metadata__</c> (first shard wins) overlaid
/// with the index's <c>metadata</c>, whose numbers (such as <c>total_size</c>) are given as text.
/// </summary>
public sealed class ShardedSafetensors : ITensorSource
{
    /// <summary>The index file name that Hugging Face uses for sharded safetensors checkpoints.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafetensorsFile> _shards;
    private readonly Dictionary<string, (SafetensorsFile Shard, TensorEntry Entry)> _byName;

    private ShardedSafetensors(string path, List<SafetensorsFile> shards, List<(SafetensorsFile, TensorEntry)> tensors,
        Dictionary<string, string> metadata)
    {
        Path = path;
        _shards = shards;
        _byName = tensors.ToDictionary(t => t.Item2.Name, StringComparer.Ordinal);
        Entries = tensors.Select(t => t.Item2).ToList();
        Metadata = metadata;
    }

    /// <inheritdoc/>
    public string Path { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TensorEntry> Entries { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The shard files, in the order the index first names them.</summary>
    public IReadOnlyList<string> ShardPaths => _shards.Select(s => s.Path).ToList();

    /// <summary>Opens a sharded checkpoint from its index file (any name ending in <c>.index.json</c>).</summary>
    public static ShardedSafetensors Open(string indexPath)
    {
        byte[] json;
        try
        {
            var length = new FileInfo(indexPath).Length;
            if (length > SafetensorsFile.MaxHeaderLength)
                throw new TensorFileException($"{indexPath}: index file of {length} bytes exceeds the limit of {SafetensorsFile.MaxHeaderLength}");
            json = File.ReadAllBytes(indexPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TensorFileException($"{indexPath}: cannot read: {e.Message}", e);
        }
        var (weightMap, indexMetadata) = ParseIndex(indexPath, json);
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var order = new List<SafetensorsFile>();
        try
        {
            var tensors = new List<(SafetensorsFile, TensorEntry)>();
            foreach (var (name, shardName) in weightMap)
            {
                if (!shards.TryGetValue(shardName, out var shard))
                {
                    var shardPath = System.IO.Path.Combine(folder, shardName);
                    if (!File.Exists(shardPath))
                        throw new TensorFileException($"{indexPath}: tensor {TensorFileException.Quote(name)}: shard {TensorFileException.Quote(shardName)} does not exist");
                    shard = SafetensorsFile.Open(shardPath);
                    shards[shardName] = shard;
                    order.Add(shard);
                }
                var entry = shard.TryGetEntry(name) ?? throw new TensorFileException(
                    $"{indexPath}: tensor {TensorFileException.Quote(name)} is not in its shard {TensorFileException.Quote(shardName)}");
                tensors.Add((shard, entry));
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var shard in order)
                foreach (var (key, value) in shard.Metadata) metadata.TryAdd(key, value);
            foreach (var (key, value) in indexMetadata) metadata[key] = value;
            return new ShardedSafetensors(indexPath, order, tensors, metadata);
        }
        catch
        {
            foreach (var shard in order) shard.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public TensorEntry GetEntry(string name) => Find(name).Entry;

    /// <inheritdoc/>
    public void CopyTo(string name, Stream destination) => Find(name).Shard.CopyTo(name, destination);

    /// <inheritdoc/>
    public byte[] ReadBytes(string name) => Find(name).Shard.ReadBytes(name);

    /// <inheritdoc/>
    public Tensor ReadTensor(string name) => Find(name).Shard.ReadTensor(name);

    /// <summary>Closes every shard.</summary>
    public void Dispose()
    {
        foreach (var shard in _shards) shard.Dispose();
    }

    private (SafetensorsFile Shard, TensorEntry Entry) Find(string name) =>
        _byName.TryGetValue(name, out var found) ? found
        : throw new TensorFileException($"{Path}: no tensor named {TensorFileException.Quote(name)}");

    private static (List<(string Name, string Shard)> WeightMap, Dictionary<string, string> Metadata) ParseIndex(string path, byte[] json)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new TensorFileException($"{path}: the index is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new TensorFileException($"{path}: the index is not valid JSON: {e.Message.Split('\n')[0]}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TensorFileException($"{path}: the index must be a JSON object");
            if (!root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new TensorFileException($"{path}: field weight_map is missing or not an object");
            var weightMap = new List<(string, string)>();
            foreach (var item in map.EnumerateObject())
            {
                if (item.Value.ValueKind != JsonValueKind.String)
                    throw new TensorFileException($"{path}: weight_map entry {TensorFileException.Quote(item.Name)} must be a shard file name");
                var shard = item.Value.GetString()!;
                if (shard.Length == 0 || shard.Contains('/') || shard.Contains('\\') || shard is "." or "..")
                    throw new TensorFileException(
                        $"{path}: weight_map entry {TensorFileException.Quote(item.Name)}: shard {TensorFileException.Quote(shard)} must be a file name in the index's folder");
                weightMap.Add((item.Name, shard));
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind != JsonValueKind.Null)
            {
                if (meta.ValueKind != JsonValueKind.Object)
                    throw new TensorFileException($"{path}: field metadata must be an object");
                foreach (var item in meta.EnumerateObject())
                    metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
            }
            return (weightMap, metadata);
        }
    }
}
