using NeuroLens.Core;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Models.Evaluation;

/// <summary>
/// How closely a modified encoder (pruned, expanded, …) reproduces a reference encoder's sentence
/// embeddings (entanglement.md §6): the mean over evaluation texts of cos(e_modified, e_reference),
/// with e the mean-pooled, L2-normalised embedding (<see cref="PooledEmbeddings"/>). 1 means identical
/// directions.
/// </summary>
public static class EmbeddingFidelity
{
    /// <summary>Per-row cosines of two (N, C) embedding matrices (normalised here, so any scale works).</summary>
    public static double[] Cosines(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dim() != 2)
            throw new ArgumentException($"two (N, C) matrices of the same shape expected, got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]");
        using var scope = NewDisposeScope();
        var na = nn.functional.normalize(a.to(float64), p: 2, dim: 1);
        var nb = nn.functional.normalize(b.to(float64), p: 2, dim: 1);
        return (na * nb).sum(1).cpu().data<double>().ToArray();
    }

    /// <summary>
    /// Embeds the same texts with both models and compares them. <paramref name="batches"/> is called
    /// twice (once per model) and must give the same texts in the same order both times.
    /// </summary>
    /// <exception cref="NeuroLensException">Either model is not an encoder, or the widths differ.</exception>
    public static FidelityResult Evaluate(ILanguageModel modified, ILanguageModel reference, Func<IEnumerable<TokenBatch>> batches,
        CancellationToken cancellation = default)
    {
        if (modified.HiddenSize != reference.HiddenSize)
            throw new NeuroLensException($"embedding fidelity: the models' widths differ ({modified.HiddenSize} and {reference.HiddenSize})");
        using var a = PooledEmbeddings.Compute(modified, batches(), cancellation);
        using var b = PooledEmbeddings.Compute(reference, batches(), cancellation);
        if (a.shape[0] != b.shape[0])
            throw new NeuroLensException($"embedding fidelity: the batches gave {a.shape[0]} and then {b.shape[0]} texts");
        var cosines = Cosines(a, b);
        return new FidelityResult(cosines.Average(), cosines.Min(), cosines.Length, cosines);
    }
}
