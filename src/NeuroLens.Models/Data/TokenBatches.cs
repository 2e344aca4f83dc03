using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Models.Data;

/// <summary>Builds <see cref="TokenBatch"/>es from id sequences.</summary>
public static class TokenBatches
{
    /// <summary>
    /// Pads <paramref name="sequences"/> on the right with <paramref name="padId"/> to the longest one:
    /// int64 (B, T) ids, attention mask 1 on real tokens and 0 on padding, token types all 0.
    /// </summary>
    /// <exception cref="ArgumentException">No sequences, or an empty one.</exception>
    public static TokenBatch RightPadded(IReadOnlyList<IReadOnlyList<int>> sequences, int padId)
    {
        if (sequences.Count == 0) throw new ArgumentException("at least one sequence is needed", nameof(sequences));
        if (sequences.Any(s => s.Count == 0)) throw new ArgumentException("sequences must not be empty", nameof(sequences));
        int length = sequences.Max(s => s.Count);
        var ids = new long[(long)sequences.Count * length];
        var mask = new long[ids.Length];
        for (int i = 0; i < sequences.Count; i++)
        {
            var sequence = sequences[i];
            for (int j = 0; j < length; j++)
            {
                bool real = j < sequence.Count;
                ids[(long)i * length + j] = real ? sequence[j] : padId;
                mask[(long)i * length + j] = real ? 1 : 0;
            }
        }
        long[] shape = [sequences.Count, length];
        return new TokenBatch(tensor(ids, shape), tensor(mask, shape), zeros(shape, int64));
    }
}
