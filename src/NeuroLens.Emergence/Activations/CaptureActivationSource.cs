using NeuroLens.Models.Capture;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Activations;

/// <summary>
/// Activations of one site of a capture (<see cref="CaptureSet"/>, in memory or shards on disk), read
/// block by block in row order; row r is the activation of captured token r.
/// </summary>
public sealed class CaptureActivationSource : IActivationSource
{
    private readonly CapturedSite _site;
    private readonly int _chunkRows;
    private readonly long _start;
    private readonly long _count;

    /// <summary>Reads rows <paramref name="start"/>..+<paramref name="count"/> (default: all) of <paramref name="site"/> (the capture stays open while the source is used).</summary>
    public CaptureActivationSource(CapturedSite site, int chunkRows = 8192, long start = 0, long? count = null)
    {
        _site = site;
        _chunkRows = Math.Max(1, chunkRows);
        if (start < 0 || start > site.RowCount) throw new ArgumentOutOfRangeException(nameof(start));
        _start = start;
        _count = Math.Min(count ?? site.RowCount - start, site.RowCount - start);
    }

    /// <inheritdoc />
    public int Dimension => _site.Width;

    /// <inheritdoc />
    public long Rows => _count;

    /// <inheritdoc />
    public IEnumerable<Tensor> ReadChunks()
    {
        for (long offset = 0; offset < _count; offset += _chunkRows)
        {
            int n = (int)Math.Min(_chunkRows, _count - offset);
            yield return tensor(_site.ReadRows(_start + offset, n), [n, Dimension]);
        }
    }
}
