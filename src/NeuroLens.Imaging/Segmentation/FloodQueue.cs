namespace NeuroLens.Imaging.Segmentation;

/// <summary>
/// The watershed's priority queue: a min-heap of voxels ordered by height, then by age (the push
/// counter), so that voxels of equal height leave in the order they entered (FIFO), as in
/// scikit-image's heap of (value, age). Height and age share one 64-bit key (height in the high 32
/// bits), items are 16 bytes, and the heap is 4-ary, so a sift step reads one cache line.
/// </summary>
internal sealed class FloodQueue : IFloodQueue
{
    internal struct Item
    {
        public ulong Key;
        public int Index;
        public int Source;
    }

    private readonly float[]? _heights;

    private readonly ulong _ageLimit;
    private Item[] _items;
    private ulong _age;

    /// <param name="capacity">Initial capacity; the heap grows by doubling.</param>
    /// <param name="ageLimit">Largest age before renumbering (lowered only by tests).</param>
    /// <param name="heights">Heights by voxel index, for <see cref="Push(int, int)"/>.</param>
    public FloodQueue(int capacity, ulong ageLimit = uint.MaxValue, float[]? heights = null)
    {
        _items = new Item[Math.Max(16, capacity)];
        _ageLimit = ageLimit;
        _heights = heights;
    }

    public void Push(int index, int source) => Push(Key(_heights![index]), index, source);

    (int Index, int Source) IFloodQueue.Pop()
    {
        var item = Pop();
        return (item.Index, item.Source);
    }

    public int Count { get; private set; }

    /// <summary>
    /// A float height as an unsigned key with the same order (IEEE sign-magnitude flipped to offset
    /// binary); −0 and +0 map to the same key so that they tie, as they compare equal.
    /// </summary>
    public static uint Key(float height)
    {
        uint bits = BitConverter.SingleToUInt32Bits(height == 0f ? 0f : height);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }

    public void Push(uint height, int index, int source)
    {
        if (_age > _ageLimit)
            Renumber();
        if (Count == _items.Length)
            Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, 2L * _items.Length));
        var item = new Item { Key = ((ulong)height << 32) | _age++, Index = index, Source = source };
        var items = _items;
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 2;
            if (items[parent].Key <= item.Key)
                break;
            items[i] = items[parent];
            i = parent;
        }
        items[i] = item;
    }

    public Item Pop()
    {
        var items = _items;
        var top = items[0];
        var last = items[--Count];
        int n = Count, i = 0;
        while (true)
        {
            int first = 4 * i + 1;
            if (first >= n)
                break;
            int best = first;
            int end = Math.Min(first + 4, n);
            for (int c = first + 1; c < end; c++)
                if (items[c].Key < items[best].Key)
                    best = c;
            if (items[best].Key >= last.Key)
                break;
            items[i] = items[best];
            i = best;
        }
        if (n > 0)
            items[i] = last;
        return top;
    }

    /// <summary>
    /// Ages ran out of their 32 bits (more than 4·10⁹ pushes): give the queued items new ages 0, 1, ...
    /// in their current order. Every later push is younger than all of them, so the order is unchanged.
    /// </summary>
    private void Renumber()
    {
        var queued = _items.AsSpan(0, Count);
        queued.Sort(static (a, b) => a.Key.CompareTo(b.Key)); // a sorted array is a valid heap
        for (int i = 0; i < queued.Length; i++)
            queued[i].Key = (queued[i].Key & 0xFFFF_FFFF_0000_0000UL) | (uint)i;
        _age = (ulong)queued.Length;
    }
}
