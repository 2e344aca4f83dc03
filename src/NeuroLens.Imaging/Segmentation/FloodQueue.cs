namespace NeuroLens.Imaging.Segmentation;

/// <summary>
/// The watershed's priority queue: a binary min-heap of voxels ordered by height, then by age (the
/// push counter), so that voxels of equal height leave in the order they entered (FIFO), as in
/// scikit-image's heap of (value, age).
/// </summary>
internal sealed class FloodQueue
{
    internal struct Item
    {
        public uint Height;
        public int Index;
        public long Age;
        public int Source;
    }

    private Item[] _items;
    private long _age;

    public FloodQueue(int capacity) => _items = new Item[Math.Max(16, capacity)];

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
        if (Count == _items.Length)
            Array.Resize(ref _items, (int)Math.Min(Array.MaxLength, 2L * _items.Length));
        var item = new Item { Height = height, Index = index, Age = _age++, Source = source };
        var items = _items;
        int i = Count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Less(in item, in items[parent]))
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
            int child = 2 * i + 1;
            if (child >= n)
                break;
            if (child + 1 < n && Less(in items[child + 1], in items[child]))
                child++;
            if (!Less(in items[child], in last))
                break;
            items[i] = items[child];
            i = child;
        }
        if (n > 0)
            items[i] = last;
        return top;
    }

    private static bool Less(in Item a, in Item b) => a.Height != b.Height ? a.Height < b.Height : a.Age < b.Age;
}
