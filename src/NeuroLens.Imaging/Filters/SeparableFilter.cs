using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;
using NeuroLens.Core.Runtime;

namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Correlates every line of a float array shaped <c>[channels, depth, height, width]</c> along one axis
/// with a 1D kernel, extending the border in scipy.ndimage's 'reflect' mode (the edge voxel is
/// repeated: d c b a | a b c d | d c b a). Lines along y and z are processed as whole x-rows so that
/// the inner loop is a contiguous, vectorised multiply-add.
/// </summary>
internal static class SeparableFilter
{
    /// <summary>Index <paramref name="i"/> folded into [0, n) by half-sample symmetric reflection.</summary>
    public static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }

    /// <summary>
    /// <c>dst[.., i, ..] = Σ_m weights[m + r]·src[.., reflect(i + m), ..]</c> along <paramref name="axis"/>
    /// (0 = z, 1 = y, 2 = x). <paramref name="src"/> and <paramref name="dst"/> must differ.
    /// </summary>
    public static void Correlate(float[] src, float[] dst, int channels, int depth, int height, int width, int axis, float[] weights)
    {
        if (ReferenceEquals(src, dst)) throw new ArgumentException("source and destination must differ.");
        if (axis == 2) CorrelateRows(src, dst, channels * depth * height, width, weights);
        else if (axis == 1) CorrelateStrided(src, dst, channels * depth, height, width, weights);
        else CorrelateStrided(src, dst, channels, depth, height * width, weights);
    }

    private static void CorrelateRows(float[] src, float[] dst, int rows, int width, float[] weights)
    {
        int r = weights.Length / 2;
        int grain = Math.Max(1, 65536 / Math.Max(1, width));
        Parallel.ForEach(Partitioner.Create(0, rows, grain), ComputeSettings.ParallelOptions, range =>
        {
            var padded = new float[width + 2 * r];
            for (int row = range.Item1; row < range.Item2; row++)
            {
                var line = src.AsSpan(row * width, width);
                line.CopyTo(padded.AsSpan(r));
                for (int m = 1; m <= r; m++)
                {
                    padded[r - m] = line[Reflect(-m, width)];
                    padded[r + width - 1 + m] = line[Reflect(width - 1 + m, width)];
                }
                var output = dst.AsSpan(row * width, width);
                Scale(padded.AsSpan(0, width), weights[0], output);
                for (int m = 1; m < weights.Length; m++)
                    if (weights[m] != 0) MultiplyAdd(padded.AsSpan(m, width), weights[m], output);
            }
        });
    }

    // Data viewed as [outer, n, inner]; each output line dst[o, i, :] is a weighted sum of whole source
    // lines src[o, reflect(i + m), :], split into blocks of at most 16 K floats for cache and balance.
    private static void CorrelateStrided(float[] src, float[] dst, int outer, int n, int inner, float[] weights)
    {
        int r = weights.Length / 2;
        const int Block = 16384;
        int blocksPerLine = (inner + Block - 1) / Block;
        long items = (long)outer * n * blocksPerLine;
        Parallel.For(0L, items, ComputeSettings.ParallelOptions, item =>
        {
            int block = (int)(item % blocksPerLine);
            long line = item / blocksPerLine;
            int i = (int)(line % n);
            long o = line / n;
            int start = block * Block, length = Math.Min(Block, inner - start);
            long lineBase = o * n * inner;
            var output = dst.AsSpan(checked((int)(lineBase + (long)i * inner + start)), length);
            Scale(src.AsSpan(checked((int)(lineBase + (long)Reflect(i - r, n) * inner + start)), length), weights[0], output);
            for (int m = 1; m < weights.Length; m++)
            {
                if (weights[m] == 0) continue;
                int j = Reflect(i + m - r, n);
                MultiplyAdd(src.AsSpan(checked((int)(lineBase + (long)j * inner + start)), length), weights[m], output);
            }
        });
    }

    /// <summary><c>y = a·x</c>.</summary>
    public static void Scale(ReadOnlySpan<float> x, float a, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int k = 0; k < xv.Length; k++) yv[k] = xv[k] * a;
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) y[i] = a * x[i];
    }

    /// <summary><c>y += a·x</c>.</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> x, float a, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int k = 0; k < xv.Length; k++) yv[k] += xv[k] * a;
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) y[i] += a * x[i];
    }
}
