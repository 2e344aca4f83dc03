using System.Runtime.InteropServices;
using NeuroLens.Core;
using NeuroLens.Core.TensorFiles;

namespace NeuroLens.Models.Capture;

/// <summary>
/// Collects captured rows batch by batch. To a folder: rows are buffered until the buffer holds the
/// budget's worth of rows, then written as one safetensors shard (atomically), and the index last. In
/// memory: each batch's rows are kept as they are, and exceeding the budget fails.
/// </summary>
internal sealed class CaptureWriter : IDisposable
{
    private readonly IReadOnlyList<CaptureSite> _sites;
    private readonly string? _folder;
    private readonly string _modelType;
    private readonly long _budget;
    private readonly long _bytesPerRow;
    private readonly int _rowsPerShard;
    private readonly List<CaptureShard> _memoryShards = [];
    private readonly List<string> _shardFiles = [];
    private readonly List<long> _shardRows = [];
    private float[][] _buffer;
    private long[][] _tokenBuffer;
    private int _buffered;
    private long _rows;

    public CaptureWriter(IReadOnlyList<CaptureSite> sites, string? folder, string modelType, long budgetBytes)
    {
        if (budgetBytes <= 0) throw new NeuroLensException($"capture: the memory budget must be positive, got {budgetBytes} bytes");
        _sites = sites;
        _folder = folder;
        _modelType = modelType;
        _budget = budgetBytes;
        _bytesPerRow = sites.Sum(s => (long)s.Width) * sizeof(float) + 3 * sizeof(long);
        int widest = sites.Max(s => s.Width);
        _rowsPerShard = (int)Math.Max(1, Math.Min(budgetBytes / _bytesPerRow, Array.MaxLength / widest));
        _buffer = sites.Select(_ => Array.Empty<float>()).ToArray();
        _tokenBuffer = [[], [], []];
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
            // An earlier capture in the folder is replaced: its index first, so that it never describes a mix.
            File.Delete(Path.Combine(folder, CaptureIndex.FileName));
            foreach (var old in Directory.GetFiles(folder, "shard-*.safetensors")) File.Delete(old);
        }
    }

    /// <summary>Rows written or kept so far.</summary>
    public long Rows => _rows;

    /// <summary>Shards written or kept so far.</summary>
    public int Shards => _folder is null ? _memoryShards.Count : _shardFiles.Count;

    /// <summary>Adds <paramref name="rows"/> rows: per site a row-major (rows, width) array, and the token ids, sequence ordinals and positions.</summary>
    public void Append(float[][] siteRows, long[] ids, long[] texts, long[] positions, int rows)
    {
        if (rows == 0) return;
        if (_folder is null)
        {
            long bytes = (_rows + rows) * _bytesPerRow;
            if (bytes > _budget)
                throw new NeuroLensException($"capture: {_rows + rows} tokens need {bytes} bytes, over the memory budget of {_budget} bytes; "
                    + "give a folder to stream the capture to disk, capture fewer tokens, or raise the budget");
            _memoryShards.Add(new MemoryCaptureShard(siteRows, [ids, texts, positions], rows));
            _rows += rows;
            return;
        }
        int done = 0;
        while (done < rows)
        {
            int n = Math.Min(rows - done, _rowsPerShard - _buffered);
            Reserve(_buffered + n);
            for (int s = 0; s < _sites.Count; s++)
            {
                int w = _sites[s].Width;
                Array.Copy(siteRows[s], (long)done * w, _buffer[s], (long)_buffered * w, (long)n * w);
            }
            Array.Copy(ids, done, _tokenBuffer[0], _buffered, n);
            Array.Copy(texts, done, _tokenBuffer[1], _buffered, n);
            Array.Copy(positions, done, _tokenBuffer[2], _buffered, n);
            _buffered += n;
            done += n;
            _rows += n;
            if (_buffered == _rowsPerShard) Flush();
        }
    }

    /// <summary>Writes what is buffered and the index (folder), and returns the capture for reading.</summary>
    public CaptureSet Finish()
    {
        if (_folder is null) return new CaptureSet(null, _modelType, _sites, _memoryShards);
        if (_buffered > 0 || _shardFiles.Count == 0) Flush();
        new CaptureIndex(_modelType, _sites, _shardFiles, _shardRows).Write(_folder);
        return CaptureSet.Open(_folder);
    }

    public void Dispose()
    {
        _buffer = [];
        _tokenBuffer = [];
    }

    // Grows the buffer (doubling, capped at a shard) so that a small capture with a large budget stays small.
    private void Reserve(int rows)
    {
        if (_tokenBuffer[0].Length >= rows) return;
        int capacity = (int)Math.Min(_rowsPerShard, Math.Max(rows, Math.Max(1024, 2L * _tokenBuffer[0].Length)));
        for (int s = 0; s < _sites.Count; s++)
        {
            var grown = new float[(long)capacity * _sites[s].Width];
            Array.Copy(_buffer[s], grown, (long)_buffered * _sites[s].Width);
            _buffer[s] = grown;
        }
        for (int t = 0; t < 3; t++)
        {
            var grown = new long[capacity];
            Array.Copy(_tokenBuffer[t], grown, _buffered);
            _tokenBuffer[t] = grown;
        }
    }

    private void Flush()
    {
        string file = $"shard-{_shardFiles.Count:D5}.safetensors";
        int rows = _buffered;
        var tensors = new List<RawTensor>();
        for (int s = 0; s < _sites.Count; s++)
        {
            var data = _buffer[s];
            long length = (long)rows * _sites[s].Width;
            tensors.Add(new RawTensor(_sites[s].Name, DType.F32, [rows, _sites[s].Width], stream => WriteFloats(stream, data, length)));
        }
        string[] tokenNames = [CaptureIndex.TokenIdTensor, CaptureIndex.TextTensor, CaptureIndex.PositionTensor];
        for (int t = 0; t < 3; t++)
        {
            var data = _tokenBuffer[t];
            tensors.Add(new RawTensor(tokenNames[t], DType.I64, [rows], stream => stream.Write(MemoryMarshal.AsBytes(data.AsSpan(0, rows)))));
        }
        TensorFile.Write(Path.Combine(_folder!, file), tensors, new Dictionary<string, string> { ["format"] = CaptureIndex.Format });
        _shardFiles.Add(file);
        _shardRows.Add(rows);
        _buffered = 0;
    }

    private static void WriteFloats(Stream stream, float[] data, long length)
    {
        const int Chunk = 1 << 24;
        for (long offset = 0; offset < length; offset += Chunk)
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan((int)offset, (int)Math.Min(Chunk, length - offset))));
    }
}
