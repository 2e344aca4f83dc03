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

    /// <summary>Reads <paramref name="site"/> (the capture stays open while the source is used).</summary>
    public CaptureActivationSource(CapturedSite site, int chunkRows = 8192)
    {
        _site = site;
        _chunkRows = Math.Max(1, chunkRows);
    }

    /// <inheritdoc />
    public int Dimension => _site.Width;

    /// <inheritdoc />
    public long Rows => _site.RowCount;

    /// <inheritdoc />
    public IEnumerable<Tensor> ReadChunks()
    {
        for (long start = 0; start < Rows; start += _chunkRows)
        {
            int n = (int)Math.Min(_chunkRows, Rows - start);
            yield return tensor(_site.ReadRows(start, n), [n, Dimension]);
        }
    }
}
