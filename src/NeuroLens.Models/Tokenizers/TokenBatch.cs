using static TorchSharp.torch;

namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// A batch of tokenised texts, padded on the right to the longest one: the three int64 (B, T) inputs of
/// a BERT encoder. Dispose it to free the tensors.
/// </summary>
/// <param name="InputIds">Token ids, the pad id after each text's end.</param>
/// <param name="AttentionMask">1 for real tokens ([CLS] and [SEP] included), 0 for padding.</param>
/// <param name="TokenTypeIds">Segment ids; all 0 for single texts.</param>
public sealed record TokenBatch(Tensor InputIds, Tensor AttentionMask, Tensor TokenTypeIds) : IDisposable
{
    /// <summary>The number of real tokens of each text.</summary>
    public long[] Lengths
    {
        get
        {
            using var sums = AttentionMask.sum(1, type: ScalarType.Int64);
            return sums.data<long>().ToArray();
        }
    }

    /// <summary>Frees the three tensors.</summary>
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds.Dispose();
    }
}
