using static TorchSharp.torch;

namespace NeuroLens.Emergence.Activations;

/// <summary>Rows <c>start..start+count</c> of another source (e.g. a held-out tail for evaluation).</summary>
public sealed class ActivationRange : IActivationSource
{
    private readonly IActivationSource _inner;
    private readonly long _start;

    /// <summary>Rows <paramref name="start"/>..+<paramref name="count"/> of <paramref name="inner"/> (clipped to its end).</summary>
    public ActivationRange(IActivationSource inner, long start, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        _inner = inner;
        _start = Math.Min(start, inner.Rows);
        Rows = Math.Max(0, Math.Min(count, inner.Rows - _start));
    }

    /// <inheritdoc />
    public int Dimension => _inner.Dimension;

    /// <inheritdoc />
    public long Rows { get; }

    /// <inheritdoc />
    public IEnumerable<Tensor> ReadChunks()
    {
        long position = 0, end = _start + Rows;
        foreach (var chunk in _inner.ReadChunks())
        {
            using (chunk)
            {
                long n = chunk.shape[0];
                long from = Math.Max(_start, position), to = Math.Min(end, position + n);
                if (to > from)
                {
                    using var part = chunk.narrow(0, from - position, to - from);
                    yield return part.clone();
                }
                position += n;
                if (position >= end) yield break;
            }
        }
    }
}
