using NeuroLens.Models.Evaluation;
using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Models;

/// <summary>
/// Evaluates modified versions of one model on fixed data: perplexity for causal LMs; for encoders
/// embedding fidelity to the dense model, whose pooled embeddings are computed once when the
/// evaluator is created (so create it before modifying the model). Dispose it to free them.
/// </summary>
public sealed class ModelEvaluator : IDisposable
{
    private readonly TokenData _data;
    private readonly Tensor? _reference;

    private ModelEvaluator(TokenData data, Tensor? reference)
    {
        _data = data;
        _reference = reference;
    }

    /// <summary>Records the dense model's reference (encoders) on <paramref name="data"/> (borrowed).</summary>
    public static ModelEvaluator Create(ILanguageModel dense, TokenData data) =>
        new(data, dense.Kind == ModelKind.Encoder ? PooledEmbeddings.Compute(dense, data.TokenBatches()) : null);

    /// <summary>The dense model's pooled embeddings (encoders), or null.</summary>
    public Tensor? Reference => _reference;

    /// <summary>Evaluates <paramref name="model"/> as it is now.</summary>
    public EvaluationScore Evaluate(ILanguageModel model)
    {
        if (_reference is null)
        {
            var ppl = Perplexity.Evaluate(model, _data.TokenBatches());
            return new EvaluationScore("perplexity", ppl.Value, ppl.Windows);
        }
        using var embeddings = PooledEmbeddings.Compute(model, _data.TokenBatches());
        var cosines = EmbeddingFidelity.Cosines(embeddings, _reference);
        return new EvaluationScore("fidelity", cosines.Average(), cosines.Length);
    }

    /// <summary>Frees the reference embeddings.</summary>
    public void Dispose() => _reference?.Dispose();
}
