using NeuroLens.Core;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Models.Evaluation;

/// <summary>
/// Top-1 retrieval accuracy over text pairs (a_i, b_i): for each a_i, the nearest b among all b's by
/// cosine of the pooled, normalised embeddings is found; it counts when that is b_i. Ties go to the
/// lowest index (the first b of the file), so duplicate b's count once.
/// </summary>
public static class PairRetrieval
{
    private const int RowBlock = 1024;

    /// <summary>The indices i with argmax_j cos(a_i, b_j) = i, for (N, C) matrices <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static int Correct(Tensor a, Tensor b)
    {
        if (a.dim() != 2 || !a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"two (N, C) matrices of the same shape expected, got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]");
        using var scope = NewDisposeScope();
        var na = nn.functional.normalize(a.to(float32), p: 2, dim: 1);
        var nbt = nn.functional.normalize(b.to(float32), p: 2, dim: 1).t();
        long n = a.shape[0];
        int correct = 0;
        for (long start = 0; start < n; start += RowBlock)
        {
            using var inner = NewDisposeScope();
            long rows = Math.Min(RowBlock, n - start);
            var similarities = na.narrow(0, start, rows).matmul(nbt).cpu(); // (rows, N)
            var data = similarities.data<float>().ToArray();
            for (long r = 0; r < rows; r++)
            {
                long best = 0;
                float bestValue = float.NegativeInfinity;
                for (long j = 0; j < n; j++)
                {
                    float s = data[r * n + j];
                    if (s > bestValue)
                    {
                        bestValue = s;
                        best = j;
                    }
                }
                if (best == start + r) correct++;
            }
        }
        return correct;
    }

    /// <summary>
    /// Embeds the a's and the b's with <paramref name="encoder"/> (<see cref="PooledEmbeddings"/>) and
    /// scores top-1 retrieval. Both batch sequences are enumerated once and disposed.
    /// </summary>
    /// <exception cref="NeuroLensException">The a's and b's differ in number, or the model is not an encoder.</exception>
    public static RetrievalResult Evaluate(ILanguageModel encoder, IEnumerable<TokenBatch> aBatches, IEnumerable<TokenBatch> bBatches,
        CancellationToken cancellation = default)
    {
        using var a = PooledEmbeddings.Compute(encoder, aBatches, cancellation);
        using var b = PooledEmbeddings.Compute(encoder, bBatches, cancellation);
        if (a.shape[0] != b.shape[0]) throw new NeuroLensException($"pair retrieval: {a.shape[0]} a-texts but {b.shape[0]} b-texts");
        int correct = Correct(a, b);
        return new RetrievalResult((double)correct / a.shape[0], correct, (int)a.shape[0]);
    }
}
