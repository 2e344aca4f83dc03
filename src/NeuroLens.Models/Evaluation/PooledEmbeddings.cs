using NeuroLens.Core;
using NeuroLens.Models.Bert;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Models.Evaluation;

/// <summary>
/// Sentence embeddings of an encoder as the evaluation uses them: the mean of the last hidden state
/// over the real tokens (<see cref="BertModel.MeanPool"/>, special tokens included), L2-normalised.
/// </summary>
public static class PooledEmbeddings
{
    /// <summary>The (N, C) float32 embeddings, on the CPU, of all texts of <paramref name="batches"/> (enumerated once, disposed), in order.</summary>
    /// <exception cref="NeuroLensException">The model is not an encoder, or there are no texts.</exception>
    public static Tensor Compute(ILanguageModel encoder, IEnumerable<TokenBatch> batches, CancellationToken cancellation = default)
    {
        if (encoder.Kind != ModelKind.Encoder)
            throw new NeuroLensException($"sentence embeddings need an encoder; this {encoder.ModelType} model is a causal LM (use perplexity)");
        var device = encoder.Module.parameters().FirstOrDefault()?.device ?? CPU;
        var parts = new List<Tensor>();
        try
        {
            foreach (var batch in batches)
            {
                using (batch)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    using var _ = no_grad();
                    var ids = batch.InputIds.to(int64).to(device);
                    var mask = batch.AttentionMask.to(int64).to(device);
                    var hidden = encoder.Forward(ids, mask);
                    parts.Add(BertModel.MeanPool(hidden, mask, normalize: true).to(float32).cpu().MoveToOuterDisposeScope());
                }
            }
            if (parts.Count == 0) throw new NeuroLensException("sentence embeddings: no texts were given");
            return cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }
}
