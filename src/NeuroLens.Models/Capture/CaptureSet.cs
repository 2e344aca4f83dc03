using NeuroLens.Core;

namespace NeuroLens.Models.Capture;

/// <summary>
/// Captured activations: for each site a (rows, width) float32 matrix, one row per real token in the
/// order of <see cref="CaptureIndex.RowOrder"/>, and for each row the token it came from
/// (<see cref="ReadTokens"/>). Backed by a capture folder (<see cref="Open"/>, safetensors shards read
/// through memory mappings, so captures larger than RAM can be read block by block) or by arrays (an
/// in-memory capture). Dispose it to release the files. Reads are thread-safe.
/// </summary>
public sealed class CaptureSet : IDisposable
{
    private readonly CaptureShard[] _shards;
    private readonly long[] _shardStarts; // first row of each shard, then the total

    internal CaptureSet(string? folder, string modelType, IReadOnlyList<CaptureSite> sites, IReadOnlyList<CaptureShard> shards)
    {
        Folder = folder;
        ModelType = modelType;
        _shards = [.. shards];
        _shardStarts = new long[_shards.Length + 1];
        for (int i = 0; i < _shards.Length; i++) _shardStarts[i + 1] = _shardStarts[i] + _shards[i].Rows;
        Sites = sites.Select((s, i) => new CapturedSite(this, i, s)).ToList();
    }

    /// <summary>The capture folder, or null for an in-memory capture.</summary>
    public string? Folder { get; }

    /// <summary>The captured model's <c>model_type</c>.</summary>
    public string ModelType { get; }

    /// <summary>The number of rows (captured tokens), the same for every site.</summary>
    public long RowCount => _shardStarts[^1];

    /// <summary>The number of shards (1 or more for a folder with rows; in memory, one per batch).</summary>
    public int ShardCount => _shards.Length;

    /// <summary>The sites, in capture order.</summary>
    public IReadOnlyList<CapturedSite> Sites { get; }

    /// <summary>The site of that name.</summary>
    /// <exception cref="NeuroLensException">There is none; the message lists the sites.</exception>
    public CapturedSite this[string name] => Sites.FirstOrDefault(s => s.Name == name)
        ?? throw new NeuroLensException($"{Folder ?? "capture"}: no site '{name}' (sites: {string.Join(", ", Sites.Select(s => s.Name))})");

    /// <summary>Opens a capture folder written by <see cref="ActivationCapture.Run"/>: reads <c>capture.json</c> and checks every shard's header against it.</summary>
    /// <exception cref="NeuroLensException">The index or a shard is missing or does not match; one line naming the file.</exception>
    public static CaptureSet Open(string folder)
    {
        var index = CaptureIndex.Read(folder);
        var shards = new List<CaptureShard>();
        try
        {
            for (int i = 0; i < index.ShardFiles.Count; i++)
                shards.Add(FileCaptureShard.Open(Path.Combine(folder, index.ShardFiles[i]), index.Sites, index.ShardRows[i]));
        }
        catch
        {
            foreach (var shard in shards) shard.Dispose();
            throw;
        }
        return new CaptureSet(folder, index.ModelType, index.Sites, shards);
    }

    /// <summary>Where rows <paramref name="start"/>..+<paramref name="count"/> came from.</summary>
    public CapturedToken[] ReadTokens(long start, int count)
    {
        CheckRange(start, count);
        var ids = new long[count];
        var texts = new long[count];
        var positions = new long[count];
        ForEachShardRange(start, count, (shard, row, n, done) =>
        {
            shard.ReadLongs(0, row, ids, done, n);
            shard.ReadLongs(1, row, texts, done, n);
            shard.ReadLongs(2, row, positions, done, n);
        });
        var tokens = new CapturedToken[count];
        for (int i = 0; i < count; i++) tokens[i] = new CapturedToken(texts[i], (int)positions[i], (int)ids[i]);
        return tokens;
    }

    /// <summary>Every row's token (<see cref="ReadTokens"/> over all rows).</summary>
    public CapturedToken[] ReadAllTokens() => RowCount <= Array.MaxLength ? ReadTokens(0, (int)RowCount)
        : throw new NeuroLensException($"{Folder ?? "capture"}: {RowCount} rows are too many for one array; read them in blocks");

    /// <summary>Releases the shards' files.</summary>
    public void Dispose()
    {
        foreach (var shard in _shards) shard.Dispose();
    }

    internal void CheckRange(long start, long count)
    {
        if (start < 0 || count < 0 || start + count > RowCount)
            throw new ArgumentOutOfRangeException(nameof(start), $"rows {start}..{start + count - 1} are outside 0..{RowCount - 1}");
    }

    /// <summary>Calls <paramref name="read"/>(shard, first row in shard, rows, rows done before) for the pieces of a row range.</summary>
    internal void ForEachShardRange(long start, long count, Action<CaptureShard, long, int, int> read)
    {
        int shard = Array.BinarySearch(_shardStarts, start);
        if (shard < 0) shard = ~shard - 1;
        long done = 0;
        while (done < count)
        {
            while (_shardStarts[shard + 1] <= start + done) shard++;
            long row = start + done - _shardStarts[shard];
            int n = (int)Math.Min(count - done, _shards[shard].Rows - row);
            read(_shards[shard], row, n, (int)done);
            done += n;
        }
    }
}
