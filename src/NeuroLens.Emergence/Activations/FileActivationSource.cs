using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Activations;

/// <summary>
/// Activations stored in a tensor file (.npy, .npz or safetensors, any float dtype): one tensor of
/// shape [N, d] or [B, T, d] (flattened to rows). Several files are read one after another, as shards
/// of one stream. The tensors are read once and kept in memory.
/// </summary>
public sealed class FileActivationSource : IActivationSource, IDisposable
{
    private readonly List<Tensor> _shards = [];

    /// <summary>Opens the files and reads the tensor <paramref name="tensorName"/> (or each file's only tensor).</summary>
    public FileActivationSource(IReadOnlyList<string> paths, string? tensorName = null)
    {
        if (paths.Count == 0) throw new NeuroLensException("activations: no file given");
        try
        {
            foreach (var path in paths)
            {
                using var file = TensorFile.Open(path);
                TensorEntry entry;
                if (tensorName is not null) entry = file.GetEntry(tensorName);
                else if (file.Entries.Count == 1) entry = file.Entries[0];
                else
                    throw new NeuroLensException(
                        $"{path}: holds {file.Entries.Count} tensors ({string.Join(", ", file.Entries.Take(5).Select(e => e.Name))}); name the activation tensor");
                if (entry.Shape.Length < 2 || entry.Shape[^1] < 1)
                    throw new NeuroLensException($"{path}: tensor {entry.Name} has shape {entry.ShapeText}; expected [tokens, d] or [batch, tokens, d]");
                if (entry.DType is not (DType.F32 or DType.F16 or DType.BF16 or DType.F64))
                    throw new NeuroLensException($"{path}: tensor {entry.Name} is {entry.DType}; expected a float tensor");
                using var raw = file.ReadTensor(entry.Name);
                var rows = raw.reshape(-1, entry.Shape[^1]).to_type(ScalarType.Float32).contiguous();
                if (_shards.Count > 0 && rows.shape[1] != _shards[0].shape[1])
                {
                    rows.Dispose();
                    throw new NeuroLensException($"{path}: rows have width {entry.Shape[^1]}, the first file's have {_shards[0].shape[1]}");
                }
                _shards.Add(rows);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public int Dimension => (int)_shards[0].shape[1];

    /// <inheritdoc />
    public long Rows => _shards.Sum(s => s.shape[0]);

    /// <inheritdoc />
    public IEnumerable<Tensor> ReadChunks()
    {
        const int chunk = 16384;
        foreach (var shard in _shards)
            for (long start = 0; start < shard.shape[0]; start += chunk)
            {
                using var part = shard.narrow(0, start, Math.Min(chunk, shard.shape[0] - start));
                yield return part.clone();
            }
    }

    /// <summary>Frees the tensors.</summary>
    public void Dispose()
    {
        foreach (var s in _shards) s.Dispose();
        _shards.Clear();
    }
}
