namespace NeuroLens.Imaging.Segmentation;

/// <summary>The watershed's queue: push a voxel (its priority known to the queue), pop the lowest.</summary>
internal interface IFloodQueue
{
    int Count { get; }

    void Push(int index, int source);

    (int Index, int Source) Pop();
}

/// <summary>
/// Meyer's hierarchical queue, for height maps with few distinct values (a quantised probability
/// map, plateaus): one FIFO per height level and a bit set of the non-empty levels. It pops exactly
/// what <see cref="FloodQueue"/> pops — lowest height first, first-in first-out within a height (the
/// age order) — in O(1) instead of a heap's O(log n).
/// </summary>
internal sealed class LevelQueue : IFloodQueue
{
    /// <summary>Most distinct heights handled by level; more go to the heap.</summary>
    public const int MaxLevels = 1 << 12;

    private readonly ushort[] _levelOf;
    private readonly Fifo[] _fifos;
    private readonly ulong[] _nonEmpty;

    private LevelQueue(ushort[] levelOf, int levels)
    {
        _levelOf = levelOf;
        _fifos = new Fifo[levels];
        _nonEmpty = new ulong[(levels + 63) / 64];
    }

    public int Count { get; private set; }

    /// <summary>A level queue for <paramref name="heights"/>, or null when they hold more than <see cref="MaxLevels"/> distinct values.</summary>
    public static LevelQueue? TryCreate(float[] heights)
    {
        // Distinct keys; runs of equal heights skip the set.
        var distinct = new HashSet<uint>();
        uint last = FloodQueue.Key(heights.Length > 0 ? heights[0] : 0f);
        distinct.Add(last);
        foreach (float h in heights)
        {
            uint key = FloodQueue.Key(h);
            if (key == last)
                continue;
            last = key;
            if (distinct.Add(key) && distinct.Count > MaxLevels)
                return null;
        }
        var sorted = distinct.Order().ToArray();
        var level = new Dictionary<uint, ushort>(sorted.Length);
        for (int i = 0; i < sorted.Length; i++)
            level[sorted[i]] = (ushort)i;
        var levelOf = new ushort[heights.Length];
        ushort lastLevel = 0;
        last = sorted[0];
        for (int i = 0; i < heights.Length; i++)
        {
            uint key = FloodQueue.Key(heights[i]);
            if (key != last)
            {
                last = key;
                lastLevel = level[key];
            }
            levelOf[i] = lastLevel;
        }
        return new LevelQueue(levelOf, sorted.Length);
    }

    public void Push(int index, int source)
    {
        int level = _levelOf[index];
        _fifos[level].Enqueue(index, source);
        _nonEmpty[level >> 6] |= 1UL << level;
        Count++;
    }

    public (int Index, int Source) Pop()
    {
        int word = 0;
        while (_nonEmpty[word] == 0)
            word++;
        int level = (word << 6) + System.Numerics.BitOperations.TrailingZeroCount(_nonEmpty[word]);
        ref var fifo = ref _fifos[level];
        var item = fifo.Dequeue();
        if (fifo.IsEmpty)
            _nonEmpty[word] &= ~(1UL << level);
        Count--;
        return item;
    }

    /// <summary>A growable first-in first-out buffer of (voxel, source seed) pairs.</summary>
    private struct Fifo
    {
        private (int Index, int Source)[]? _items;
        private int _head;
        private int _tail;

        public readonly bool IsEmpty => _head == _tail;

        public void Enqueue(int index, int source)
        {
            _items ??= new (int, int)[16];
            if (_tail == _items.Length)
            {
                int count = _tail - _head;
                if (_head >= _items.Length / 2)
                    Array.Copy(_items, _head, _items, 0, count); // reuse the consumed front
                else
                {
                    var grown = new (int, int)[Math.Min(Array.MaxLength, 2L * _items.Length)];
                    Array.Copy(_items, _head, grown, 0, count);
                    _items = grown;
                }
                _head = 0;
                _tail = count;
            }
            _items[_tail++] = (index, source);
        }

        public (int Index, int Source) Dequeue()
        {
            var item = _items![_head++];
            if (_head == _tail)
                _head = _tail = 0;
            return item;
        }
    }
}
