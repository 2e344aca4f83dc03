namespace NeuroLens.Core.Statistics;

/// <summary>
/// Least-significant-digit radix sort of float32 values (three passes of 11 bits over order-preserving
/// unsigned keys): O(N) per column, the sort inside <see cref="GaussianWasserstein"/>. −0 sorts before
/// +0; NaN values sort to the ends by their bits (callers screen NaN before).
/// </summary>
internal static class FloatRadixSort
{
    private const int Bits = 11, Buckets = 1 << Bits, Mask = Buckets - 1;

    /// <summary>
    /// Sorts <paramref name="values"/> ascending using <paramref name="scratch"/> (same length) and returns
    /// the span that holds the sorted values (one of the two; the other is overwritten).
    /// </summary>
    public static Span<float> Sort(Span<float> values, Span<float> scratch, Span<int> histograms)
    {
        var keys = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(values);
        var other = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(scratch);
        histograms = histograms[..(3 * Buckets)];
        histograms.Clear();
        var h0 = histograms[..Buckets];
        var h1 = histograms.Slice(Buckets, Buckets);
        var h2 = histograms.Slice(2 * Buckets, Buckets);
        for (int i = 0; i < keys.Length; i++)
        {
            uint u = keys[i];
            u ^= (uint)((int)u >> 31) | 0x8000_0000u; // flip all bits of negatives, the sign bit of positives
            keys[i] = u;
            h0[(int)(u & Mask)]++;
            h1[(int)((u >> Bits) & Mask)]++;
            h2[(int)(u >> (2 * Bits))]++;
        }
        var from = keys;
        var to = other;
        bool inValues = true;
        for (int pass = 0; pass < 3; pass++)
        {
            var h = histograms.Slice(pass * Buckets, Buckets);
            int shift = pass * Bits;
            // A digit shared by all keys leaves the order unchanged: skip its pass.
            if (h[(int)((from[0] >> shift) & Mask)] == from.Length) continue;
            int sum = 0;
            for (int b = 0; b < Buckets; b++) { int c = h[b]; h[b] = sum; sum += c; }
            for (int i = 0; i < from.Length; i++)
            {
                uint u = from[i];
                to[h[(int)((u >> shift) & Mask)]++] = u;
            }
            var swap = from; from = to; to = swap;
            inValues = !inValues;
        }
        for (int i = 0; i < from.Length; i++)
        {
            uint u = from[i];
            from[i] = u ^ ((u & 0x8000_0000u) != 0 ? 0x8000_0000u : 0xFFFF_FFFFu);
        }
        return inValues ? values : scratch;
    }

    /// <summary>Length of the histogram workspace <see cref="Sort"/> needs.</summary>
    public const int HistogramLength = 3 * Buckets;
}
