using NeuroLens.Core;

namespace NeuroLens.Models.Capture;

/// <summary>
/// One site of a <see cref="CaptureSet"/>: a (<see cref="RowCount"/>, <see cref="Width"/>) float32 matrix,
/// row r the activation of captured token r. Read it by blocks of rows (tokens), by blocks of columns
/// (neurons: all rows of a few columns, for per-neuron statistics), or whole when it fits in memory.
/// </summary>
public sealed class CapturedSite
{
    private const long ChunkElements = 1 << 20; // rows are copied through a 4 MB buffer when reading columns

    private readonly CaptureSet _set;
    private readonly int _index;

    internal CapturedSite(CaptureSet set, int index, CaptureSite site)
    {
        _set = set;
        _index = index;
        Site = site;
    }

    /// <summary>What the site is.</summary>
    public CaptureSite Site { get; }

    /// <summary>The site's name (<c>resid_post.3</c>, <c>encoder.layer.0.intermediate.dense:output</c>).</summary>
    public string Name => Site.Name;

    /// <summary>Values per row (neurons, or the hidden size).</summary>
    public int Width => Site.Width;

    /// <summary>Rows (captured tokens).</summary>
    public long RowCount => _set.RowCount;

    /// <summary>Rows <paramref name="start"/>..+<paramref name="count"/>, row-major: element (i, j) at <c>i * Width + j</c>.</summary>
    public float[] ReadRows(long start, int count)
    {
        _set.CheckRange(start, count);
        long elements = (long)count * Width;
        if (elements > Array.MaxLength) throw new NeuroLensException($"{Name}: {count} rows of {Width} values are too many for one array; read fewer rows");
        var result = new float[elements];
        _set.ForEachShardRange(start, count, (shard, row, n, done) =>
            shard.ReadFloats(_index, row * Width, result, done * Width, n * Width));
        return result;
    }

    /// <summary>
    /// Columns <paramref name="start"/>..+<paramref name="count"/> over all rows: one array of
    /// <see cref="RowCount"/> values per column (column-major), ready for per-neuron statistics.
    /// </summary>
    public float[][] ReadColumns(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Width)
            throw new ArgumentOutOfRangeException(nameof(start), $"columns {start}..{start + count - 1} are outside 0..{Width - 1}");
        if (RowCount > Array.MaxLength) throw new NeuroLensException($"{Name}: {RowCount} rows are too many for one array per column");
        var columns = new float[count][];
        for (int c = 0; c < count; c++) columns[c] = new float[RowCount];
        if (count == 0 || RowCount == 0) return columns;
        int chunkRows = (int)Math.Max(1, Math.Min(RowCount, ChunkElements / Width));
        var buffer = new float[(long)chunkRows * Width];
        for (long first = 0; first < RowCount; first += chunkRows)
        {
            int rows = (int)Math.Min(chunkRows, RowCount - first);
            _set.ForEachShardRange(first, rows, (shard, row, n, done) =>
                shard.ReadFloats(_index, row * Width, buffer, done * Width, n * Width));
            for (int c = 0; c < count; c++)
            {
                var column = columns[c];
                int offset = start + c;
                for (int r = 0; r < rows; r++) column[first + r] = buffer[(long)r * Width + offset];
            }
        }
        return columns;
    }

    /// <summary>All rows, row-major (<see cref="ReadRows"/> of everything).</summary>
    public float[] ReadAll() => RowCount * Width <= Array.MaxLength ? ReadRows(0, (int)RowCount)
        : throw new NeuroLensException($"{Name}: {RowCount} × {Width} values are too many for one array; read rows or columns in blocks");
}
