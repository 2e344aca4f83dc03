using NeuroLens.Core;

namespace NeuroLens.Models.Training;

/// <summary>
/// The seeded order in which training sequences are seen. The token stream is cut into non-overlapping
/// windows of <c>context + 1</c> tokens (input and shifted target, as Pythia packs its sequences; the
/// tail shorter than a window is dropped); every epoch visits all windows in a fresh permutation drawn
/// from (seed, epoch) by a Fisher–Yates shuffle over SplitMix64, and consecutive runs of
/// <c>batchSize</c> windows form the batches (the last incomplete batch of an epoch is dropped). The
/// batch of any step is a pure function of (seed, step), so the order needs no state to resume.
/// </summary>
public sealed class TrainingDataOrder
{
    private readonly int _seed;
    private int _cachedEpoch = -1;
    private int[] _permutation = [];

    /// <summary>The order over <paramref name="tokenCount"/> tokens.</summary>
    public TrainingDataOrder(long tokenCount, int context, int batchSize, int seed)
    {
        if (context < 1) throw new NeuroLensException($"context of {context} tokens: expected at least 1");
        if (batchSize < 1) throw new NeuroLensException($"batch size {batchSize}: expected at least 1");
        WindowLength = context + 1;
        long windows = tokenCount / WindowLength;
        if (windows < batchSize)
            throw new NeuroLensException(
                $"the training text has {tokenCount} tokens, {windows} window(s) of {WindowLength}; a batch needs {batchSize}: give more text, or a smaller --batch-size or --context");
        if (windows > int.MaxValue) throw new NeuroLensException($"the training text has {tokenCount} tokens, more windows than this trainer indexes");
        WindowCount = (int)windows;
        BatchSize = batchSize;
        _seed = seed;
    }

    /// <summary>Tokens per window (context + 1).</summary>
    public int WindowLength { get; }

    /// <summary>Windows in the token stream.</summary>
    public int WindowCount { get; }

    /// <summary>Windows per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Batches per epoch.</summary>
    public int StepsPerEpoch => WindowCount / BatchSize;

    /// <summary>The epoch and the batch index within it of update <paramref name="step"/> (0-based).</summary>
    public (int Epoch, int Position) PositionOf(long step) => ((int)(step / StepsPerEpoch), (int)(step % StepsPerEpoch));

    /// <summary>The window indices of update <paramref name="step"/>; window w covers tokens [w·L, (w+1)·L).</summary>
    public int[] WindowsOf(long step)
    {
        var (epoch, position) = PositionOf(step);
        if (epoch != _cachedEpoch)
        {
            _permutation = Permutation(WindowCount, _seed, epoch);
            _cachedEpoch = epoch;
        }
        return _permutation.AsSpan(position * BatchSize, BatchSize).ToArray();
    }

    /// <summary>The permutation of 0..n−1 of one epoch: Fisher–Yates driven by SplitMix64 seeded from (seed, epoch).</summary>
    public static int[] Permutation(int n, int seed, int epoch)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        ulong state = unchecked(((ulong)(uint)seed << 32) ^ (uint)epoch ^ 0x5DEECE66DUL);
        for (int i = n - 1; i > 0; i--)
        {
            // Lemire-free modulo is fine here: n is far below 2^32, so the bias is below 2^-32.
            int j = (int)(SplitMix64(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = unchecked(state += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
