using NeuroLens.Core.TensorFiles;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>
/// A tokens × neurons matrix stored as row shards on disk — tensor files (.npy, .npz, safetensors) each
/// holding one 2-D tensor with the same number of columns, whose rows are concatenated in the given
/// order — read one block of columns at a time. Each block reads every shard once and keeps only its
/// columns, so memory is one shard plus the block.
/// </summary>
public sealed class ShardedColumnSource : IColumnBlockSource
{
    private readonly IReadOnlyList<(string Path, string Name, long Rows)> _shards;

    /// <summary>Opens the shards' headers and checks that they stack.</summary>
    /// <param name="paths">The shard files in row order; each holds exactly one 2-D tensor.</param>
    public ShardedColumnSource(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) throw new NeuroLensException("ShardedColumnSource: no shard files given.");
        var shards = new List<(string, string, long)>();
        long columns = -1;
        foreach (var path in paths)
        {
            using var source = TensorFile.Open(path);
            if (source.Entries.Count != 1)
                throw new NeuroLensException($"{path}: holds {source.Entries.Count} tensors; a shard holds exactly one tokens × neurons array.");
            var entry = source.Entries[0];
            if (entry.Shape.Length != 2)
                throw new NeuroLensException($"{path}: expected a 2-D tokens × neurons array, got shape [{string.Join(", ", entry.Shape)}].");
            if (columns >= 0 && entry.Shape[1] != columns)
                throw new NeuroLensException($"{path}: has {entry.Shape[1]} columns, the first shard has {columns}.");
            columns = entry.Shape[1];
            shards.Add((path, entry.Name, entry.Shape[0]));
        }
        _shards = shards;
        Columns = columns;
        Rows = shards.Sum(s => s.Item3);
    }

    /// <inheritdoc/>
    public long Rows { get; }

    /// <inheritdoc/>
    public long Columns { get; }

    /// <inheritdoc/>
    public void ReadColumns(long start, int count, Span<float> destination)
    {
        if (start < 0 || count < 0 || start + count > Columns)
            throw new NeuroLensException($"ShardedColumnSource: columns [{start}, {start + count}) are outside 0..{Columns}.");
        long offset = 0;
        foreach (var (path, name, rows) in _shards)
        {
            using var scope = NewDisposeScope();
            using var source = TensorFile.Open(path);
            var shard = source.ReadTensor(name);
            if (shard.is_complex() || shard.dtype == ScalarType.Bool)
                throw new NeuroLensException($"{path}: expected real numbers, got {shard.dtype}.");
            var block = shard.narrow(1, start, count).to(ScalarType.Float32).t().contiguous(); // count × rows
            var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(block.bytes);
            for (int c = 0; c < count; c++)
                values.Slice(c * (int)rows, (int)rows).CopyTo(destination.Slice((int)(c * Rows + offset), (int)rows));
            offset += rows;
        }
    }
}
