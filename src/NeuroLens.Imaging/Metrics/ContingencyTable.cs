using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuroLens.Core;

namespace NeuroLens.Imaging.Metrics;

/// <summary>One cell of a contingency table: how many voxels carry segment label
/// <see cref="Segment"/> and truth label <see cref="Truth"/>.</summary>
/// <param name="Segment">Label in the segmentation under test.</param>
/// <param name="Truth">Label in the ground truth.</param>
/// <param name="Count">Voxels with both labels.</param>
public readonly record struct LabelPairCount(ulong Segment, ulong Truth, long Count);

/// <summary>
/// The contingency table of a segmentation against a ground truth: voxel counts per (segment, truth)
/// label pair, in a hash map keyed by the pair. It is a streaming accumulator: feed it chunk by chunk
/// (pairs of label spans at the same voxels) with <see cref="Add{TSegment, TTruth}"/>, merge partial tables from
/// other threads with <see cref="Merge"/>, then compute any metric from it
/// (<see cref="VariationOfInformation"/>, <see cref="AdaptedRandError"/>, <see cref="Overlap"/>), so a
/// huge volume never has to be in memory at once. Labels of any integer type are widened to 64 bits;
/// every label is kept, and ignore rules are applied when a metric is computed.
/// </summary>
/// <remarks>Memory is proportional to the number of distinct label pairs, not voxels. Runs of equal
/// pairs along the scan (long in real segmentations) cost one hash update each. An instance is not
/// thread-safe: give each worker its own table and merge them, as <see cref="Of{TSegment, TTruth}(ReadOnlyMemory{TSegment}, ReadOnlyMemory{TTruth}, int, int)"/> does.</remarks>
public sealed class ContingencyTable
{
    private const int MinCapacity = 64;
    private const int CacheBits = 12;
    private Entry[] _entries = new Entry[MinCapacity];
    private int _shift = 64 - 6;
    private int _pairCount;

    // A small direct-mapped cache in front of the table: nearby rows of a volume repeat the same few
    // label pairs, so most runs update one of 4096 entries (96 KiB, cache-resident), and only
    // evictions touch the (possibly megabytes-large) table. Allocated on first use; flushed before any read.
    private Entry[]? _cache;
    private bool _cacheDirty;

    private struct Entry
    {
        public ulong Segment;
        public ulong Truth;
        public long Count; // 0 marks an empty slot
    }

    /// <summary>Voxels counted so far.</summary>
    public long Total { get; private set; }

    /// <summary>Distinct (segment, truth) pairs seen so far.</summary>
    public int PairCount
    {
        get
        {
            Flush();
            return _pairCount;
        }
    }

    /// <summary>Counts the voxels of one chunk: <paramref name="segmentation"/>[i] and <paramref name="truth"/>[i] label the same voxel.</summary>
    /// <typeparam name="TSegment">Segment label type (<c>ulong</c>, <c>uint</c>, ...); values are widened to 64 bits (two's complement for signed types).</typeparam>
    /// <typeparam name="TTruth">Truth label type, likewise (it may differ: uint segments against uint64 CREMI ids).</typeparam>
    /// <param name="segmentation">Segment labels of the chunk.</param>
    /// <param name="truth">Truth labels of the same voxels.</param>
    public void Add<TSegment, TTruth>(ReadOnlySpan<TSegment> segmentation, ReadOnlySpan<TTruth> truth)
        where TSegment : unmanaged, IBinaryInteger<TSegment>
        where TTruth : unmanaged, IBinaryInteger<TTruth>
    {
        if (segmentation.Length != truth.Length)
            throw new NeuroLensException($"contingency chunk lengths differ: segmentation {segmentation.Length}, truth {truth.Length}.");
        if (segmentation.IsEmpty)
            return;
        ref TSegment seg = ref MemoryMarshal.GetReference(segmentation);
        ref TTruth tru = ref MemoryMarshal.GetReference(truth);
        int n = segmentation.Length, start = 0, i = 1;
        if (Vector256.IsHardwareAccelerated && Vector256<TSegment>.IsSupported && Vector256<TTruth>.IsSupported
            && Vector256<TSegment>.Count == Vector256<TTruth>.Count)
        {
            // Find run ends a vector at a time: compare each voxel's pair with its predecessor's and
            // visit only the mismatches, so the per-voxel work has no data-dependent branch.
            int width = Vector256<TSegment>.Count;
            uint lanes = width == 32 ? uint.MaxValue : (1u << width) - 1;
            for (; i + width <= n; i += width)
            {
                uint same = Vector256.Equals(Vector256.LoadUnsafe(ref seg, (nuint)i), Vector256.LoadUnsafe(ref seg, (nuint)(i - 1))).ExtractMostSignificantBits()
                          & Vector256.Equals(Vector256.LoadUnsafe(ref tru, (nuint)i), Vector256.LoadUnsafe(ref tru, (nuint)(i - 1))).ExtractMostSignificantBits();
                uint ends = ~same & lanes;
                while (ends != 0)
                {
                    int end = i + BitOperations.TrailingZeroCount(ends);
                    AddCached(ulong.CreateTruncating(Unsafe.Add(ref seg, start)), ulong.CreateTruncating(Unsafe.Add(ref tru, start)), end - start);
                    start = end;
                    ends &= ends - 1;
                }
            }
        }
        for (; i < n; i++)
        {
            if (Unsafe.Add(ref seg, i) == Unsafe.Add(ref seg, start) && Unsafe.Add(ref tru, i) == Unsafe.Add(ref tru, start))
                continue;
            AddCached(ulong.CreateTruncating(Unsafe.Add(ref seg, start)), ulong.CreateTruncating(Unsafe.Add(ref tru, start)), i - start);
            start = i;
        }
        AddCached(ulong.CreateTruncating(Unsafe.Add(ref seg, start)), ulong.CreateTruncating(Unsafe.Add(ref tru, start)), n - start);
    }

    /// <summary>Adds <paramref name="count"/> voxels labelled <paramref name="segment"/> and <paramref name="truth"/>.</summary>
    public void Add(ulong segment, ulong truth, long count)
    {
        if (count <= 0)
        {
            if (count < 0)
                throw new NeuroLensException($"contingency count must not be negative, got {count}.");
            return;
        }
        AddCached(segment, truth, count);
    }

    private void AddCached(ulong segment, ulong truth, long count)
    {
        Total += count;
        _cache ??= new Entry[1 << CacheBits];
        _cacheDirty = true;
        ref var c = ref _cache[Hash(segment, truth) >> (64 - CacheBits)];
        if (c.Count != 0)
        {
            if (c.Segment == segment && c.Truth == truth)
            {
                c.Count += count;
                return;
            }
            AddToTable(c.Segment, c.Truth, c.Count);
        }
        c.Segment = segment;
        c.Truth = truth;
        c.Count = count;
    }

    private void Flush()
    {
        if (!_cacheDirty || _cache is null)
            return;
        foreach (ref var c in _cache.AsSpan())
            if (c.Count != 0)
            {
                AddToTable(c.Segment, c.Truth, c.Count);
                c = default;
            }
        _cacheDirty = false;
    }

    private void AddToTable(ulong segment, ulong truth, long count)
    {
        var entries = _entries;
        int mask = entries.Length - 1;
        int i = Slot(segment, truth);
        while (true)
        {
            ref var e = ref entries[i];
            if (e.Count == 0)
            {
                e.Segment = segment;
                e.Truth = truth;
                e.Count = count;
                if (++_pairCount * 2 > entries.Length)
                    Grow();
                return;
            }
            if (e.Segment == segment && e.Truth == truth)
            {
                e.Count += count;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// <summary>Adds every count of <paramref name="other"/> (a partial table of other chunks) to this table.</summary>
    public void Merge(ContingencyTable other)
    {
        other.Flush();
        Flush();
        foreach (var e in other._entries)
            if (e.Count != 0)
            {
                Total += e.Count;
                AddToTable(e.Segment, e.Truth, e.Count);
            }
    }

    /// <summary>The non-empty cells, in no particular order.</summary>
    public IEnumerable<LabelPairCount> Pairs()
    {
        Flush();
        foreach (var e in _entries)
            if (e.Count != 0)
                yield return new LabelPairCount(e.Segment, e.Truth, e.Count);
    }

    /// <summary>Invokes <paramref name="action"/> on every non-empty cell (segment, truth, count) without allocating.</summary>
    public void ForEach(Action<ulong, ulong, long> action)
    {
        Flush();
        foreach (var e in _entries)
            if (e.Count != 0)
                action(e.Segment, e.Truth, e.Count);
    }

    /// <summary>
    /// The table of two label arrays, counted in parallel: the arrays are cut into chunks of
    /// <paramref name="chunkLength"/> voxels, each worker fills a partial table, and the partial
    /// tables are merged. The result does not depend on the thread count.
    /// </summary>
    /// <param name="segmentation">Segment labels.</param>
    /// <param name="truth">Truth labels at the same voxels.</param>
    /// <param name="threads">Workers; 0 or less: all processors.</param>
    /// <param name="chunkLength">Voxels per chunk.</param>
    public static ContingencyTable Of<TSegment, TTruth>(ReadOnlyMemory<TSegment> segmentation, ReadOnlyMemory<TTruth> truth, int threads = 0, int chunkLength = 1 << 20)
        where TSegment : unmanaged, IBinaryInteger<TSegment>
        where TTruth : unmanaged, IBinaryInteger<TTruth>
    {
        if (segmentation.Length != truth.Length)
            throw new NeuroLensException($"label arrays differ in length: segmentation {segmentation.Length}, truth {truth.Length}.");
        if (chunkLength <= 0)
            throw new NeuroLensException($"chunk length must be positive, got {chunkLength}.");
        int chunks = (int)((segmentation.Length + (long)chunkLength - 1) / chunkLength);
        var result = new ContingencyTable();
        var gate = new object();
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };
        Parallel.For(0, chunks, options,
            () => new ContingencyTable(),
            (c, _, partial) =>
            {
                int start = c * chunkLength, length = Math.Min(chunkLength, segmentation.Length - start);
                partial.Add(segmentation.Span.Slice(start, length), truth.Span.Slice(start, length));
                return partial;
            },
            partial =>
            {
                lock (gate)
                    result.Merge(partial);
            });
        return result;
    }

    /// <summary>The table of two label volumes of the same shape (first channel of each), counted in parallel.</summary>
    /// <param name="segmentation">The segmentation under test.</param>
    /// <param name="truth">The ground truth.</param>
    /// <param name="threads">Workers; 0 or less: all processors.</param>
    public static ContingencyTable Of<TSegment, TTruth>(Volume<TSegment> segmentation, Volume<TTruth> truth, int threads = 0)
        where TSegment : unmanaged, IBinaryInteger<TSegment>
        where TTruth : unmanaged, IBinaryInteger<TTruth>
    {
        if (segmentation.Depth != truth.Depth || segmentation.Height != truth.Height || segmentation.Width != truth.Width)
            throw new NeuroLensException($"segmentation {segmentation} and truth {truth} differ in shape.");
        int n = checked((int)segmentation.VoxelCount);
        return Of<TSegment, TTruth>(segmentation.Data.AsMemory(0, n), truth.Data.AsMemory(0, n), threads);
    }

    /// <summary>
    /// The cells that <paramref name="ignore"/> keeps, sorted by (segment, truth), with the voxels per
    /// segment and per truth label among them. Sorting makes every sum over the cells run in one order,
    /// so a metric does not depend on how chunks were spread over threads.
    /// </summary>
    internal (LabelPairCount[] Cells, Dictionary<ulong, long> Segments, Dictionary<ulong, long> Truths, long Total) Kept(IgnoreZero ignore)
    {
        Flush();
        var cells = new List<LabelPairCount>(_pairCount);
        var segments = new Dictionary<ulong, long>();
        var truths = new Dictionary<ulong, long>();
        long total = 0;
        foreach (var e in _entries)
        {
            if (e.Count == 0 || ignore.Excludes(e.Segment, e.Truth))
                continue;
            cells.Add(new LabelPairCount(e.Segment, e.Truth, e.Count));
            segments[e.Segment] = segments.GetValueOrDefault(e.Segment) + e.Count;
            truths[e.Truth] = truths.GetValueOrDefault(e.Truth) + e.Count;
            total += e.Count;
        }
        var sorted = cells.ToArray();
        Array.Sort(sorted, static (a, b) => a.Segment != b.Segment ? a.Segment.CompareTo(b.Segment) : a.Truth.CompareTo(b.Truth));
        return (sorted, segments, truths, total);
    }

    private int Slot(ulong segment, ulong truth) => (int)(Hash(segment, truth) >> _shift);

    /// <summary>Fibonacci hashing of a mixed pair: the top bits of the product are well spread.</summary>
    private static ulong Hash(ulong segment, ulong truth) =>
        ((segment * 0x9E37_79B9_7F4A_7C15UL) ^ (truth + 0x632B_E59B_D9B4_E019UL)) * 0xC2B2_AE3D_27D4_EB4FUL;

    private void Grow()
    {
        var old = _entries;
        if (old.Length >= 1 << 30)
            throw new NeuroLensException("contingency table exceeds 2^29 distinct label pairs.");
        _entries = new Entry[old.Length * 2];
        _shift--;
        int mask = _entries.Length - 1;
        foreach (var e in old)
        {
            if (e.Count == 0)
                continue;
            int i = Slot(e.Segment, e.Truth);
            while (_entries[i].Count != 0)
                i = (i + 1) & mask;
            _entries[i] = e;
        }
    }
}
