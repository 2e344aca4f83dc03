using NeuroLens.Core;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Activations;

/// <summary>Activations held in memory: a [N, d] tensor, or [B, T, d] flattened to B·T rows.</summary>
public sealed class TensorActivationSource : IActivationSource
{
    private readonly Tensor _rows;
    private readonly int _chunkRows;

    /// <summary>Wraps <paramref name="activations"/> (not copied; the caller keeps it alive and disposes it).</summary>
    /// <param name="activations">[N, d] or [..., d]; converted to float32 rows.</param>
    /// <param name="chunkRows">Rows per chunk handed out.</param>
    public TensorActivationSource(Tensor activations, int chunkRows = 16384)
    {
        if (activations.dim() < 2)
            throw new NeuroLensException($"activations: expected a [tokens, d] tensor, got shape [{string.Join(", ", activations.shape)}]");
        _rows = activations.reshape(-1, activations.shape[^1]).to_type(ScalarType.Float32);
        _chunkRows = Math.Max(1, chunkRows);
    }

    /// <inheritdoc />
    public int Dimension => (int)_rows.shape[1];

    /// <inheritdoc />
    public long Rows => _rows.shape[0];

    /// <inheritdoc />
    public IEnumerable<Tensor> ReadChunks()
    {
        for (long start = 0; start < Rows; start += _chunkRows)
        {
            using var part = _rows.narrow(0, start, Math.Min(_chunkRows, Rows - start));
            yield return part.clone();
        }
    }
}
