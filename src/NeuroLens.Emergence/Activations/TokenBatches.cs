using static TorchSharp.torch;

namespace NeuroLens.Emergence.Activations;

/// <summary>Packs token sequences into padded (B, T) id and mask tensors, in order.</summary>
public static class TokenBatches
{
    /// <summary>
    /// Consecutive groups of up to <paramref name="batchSize"/> sequences as (ids, mask, index of the first
    /// sequence) — right-padded with <paramref name="padId"/>, mask 1 on real tokens. The caller disposes the tensors.
    /// </summary>
    public static IEnumerable<(Tensor Ids, Tensor Mask, int First)> Pack(IReadOnlyList<int[]> sequences, int batchSize, int padId = 0)
    {
        for (int first = 0; first < sequences.Count; first += batchSize)
        {
            int count = Math.Min(batchSize, sequences.Count - first);
            int length = Math.Max(1, Enumerable.Range(first, count).Max(i => sequences[i].Length));
            var ids = new long[count * length];
            var mask = new long[count * length];
            Array.Fill(ids, padId);
            for (int b = 0; b < count; b++)
            {
                var s = sequences[first + b];
                for (int t = 0; t < s.Length; t++)
                {
                    ids[b * length + t] = s[t];
                    mask[b * length + t] = 1;
                }
            }
            yield return (tensor(ids, [count, length]), tensor(mask, [count, length]), first);
        }
    }
}
