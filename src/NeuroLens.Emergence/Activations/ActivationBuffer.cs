using static TorchSharp.torch;

namespace NeuroLens.Emergence.Activations;

/// <summary>
/// A shuffling buffer between an activation source and SAE training: rows from consecutive tokens are
/// strongly correlated, so the buffer fills up with rows, permutes them (seeded) and hands out the first
/// half as batches before refilling — the scheme of Bricken et al. 2023 and SAELens.
/// </summary>
public static class ActivationBuffer
{
    /// <summary>
    /// Shuffled batches [batchSize, d] (the caller disposes each) until <paramref name="tokens"/> rows have
    /// been handed out, passing over the source as often as needed; or, when <paramref name="tokens"/> is
    /// null, exactly <paramref name="epochs"/> passes (the last batch may be shorter). The sequence depends
    /// only on the source, the sizes and the seed.
    /// </summary>
    public static IEnumerable<Tensor> Batches(IActivationSource source, int batchSize, int capacity, long seed,
        long? tokens = null, int epochs = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        capacity = Math.Max(capacity, batchSize * 2);
        using var generator = new Generator((ulong)seed);
        using var pool = empty([capacity, source.Dimension]);
        long count = 0;
        long handedOut = 0;
        long limit = tokens ?? long.MaxValue;
        int pass = 0;
        while (handedOut < limit && (tokens is not null || pass < epochs))
        {
            bool any = false;
            foreach (var chunk in source.ReadChunks())
            {
                using (chunk)
                {
                    any = true;
                    long rows = chunk.shape[0];
                    for (long offset = 0; offset < rows;)
                    {
                        long take = Math.Min(capacity - count, rows - offset);
                        using (var dst = pool.narrow(0, count, take))
                        using (var src = chunk.narrow(0, offset, take))
                            dst.copy_(src);
                        count += take;
                        offset += take;
                        if (count < capacity) continue;
                        Shuffle(pool, count, generator);
                        long emit = (count / 2) / batchSize * batchSize;
                        for (long start = 0; start < emit && handedOut < limit; start += batchSize)
                        {
                            long n = Math.Min(batchSize, limit - handedOut);
                            handedOut += n;
                            using var view = pool.narrow(0, start, n);
                            yield return view.clone();
                        }
                        if (handedOut >= limit) yield break;
                        using (var rest = pool.narrow(0, emit, count - emit).clone())
                        using (var front = pool.narrow(0, 0, count - emit))
                            front.copy_(rest);
                        count -= emit;
                    }
                }
            }
            if (!any) yield break;
            pass++;
        }
        if (handedOut >= limit || count == 0) yield break;
        Shuffle(pool, count, generator);
        for (long start = 0; start < count && handedOut < limit; start += batchSize)
        {
            long n = Math.Min(Math.Min(batchSize, count - start), limit - handedOut);
            handedOut += n;
            using var view = pool.narrow(0, start, n);
            yield return view.clone();
        }
    }

    private static void Shuffle(Tensor pool, long count, Generator generator)
    {
        using var perm = randperm(count, generator: generator);
        using var live = pool.narrow(0, 0, count);
        using var shuffled = live.index_select(0, perm);
        live.copy_(shuffled);
    }
}
