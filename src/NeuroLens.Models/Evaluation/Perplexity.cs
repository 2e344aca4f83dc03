using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Models.Evaluation;

/// <summary>
/// Perplexity of a causal language model over windows (entanglement.md §6):
/// PPL = exp(mean over windows w of NLL_w), NLL_w = the mean over the window's next-token predictions
/// of −log p(x_{t+1} | x_{≤t}). A prediction at position t is scored when tokens t and t+1 are both real
/// (attention mask 1), so padded batches give the same numbers as unpadded ones; a window's first
/// token is never predicted (non-overlapping windows carry no context across).
/// </summary>
public static class Perplexity
{
    /// <summary>
    /// The summed NLL (nats) and the number of scored predictions of each row of a batch:
    /// <paramref name="logits"/> (B, T, V), <paramref name="inputIds"/> and <paramref name="attentionMask"/> (B, T).
    /// Computed in float32 with log-softmax over the vocabulary.
    /// </summary>
    public static (double[] SumNll, long[] Count) RowNll(Tensor logits, Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        long b = logits.shape[0], t = logits.shape[1], v = logits.shape[2];
        if (t < 2) return (new double[b], new long[b]);
        var predicted = logits.narrow(1, 0, t - 1).to(float32).reshape(-1, v);
        var targets = inputIds.narrow(1, 1, t - 1).to(int64).reshape(-1);
        var nll = nn.functional.cross_entropy(predicted, targets, reduction: nn.Reduction.None).view(b, t - 1);
        var mask = attentionMask.to(float32);
        var scored = mask.narrow(1, 0, t - 1) * mask.narrow(1, 1, t - 1);
        var sums = (nll * scored).sum(1).to(float64).cpu().data<double>().ToArray();
        var counts = scored.sum(1).to(int64).cpu().data<long>().ToArray();
        return (sums, counts);
    }

    /// <summary>Evaluates <paramref name="model"/> (a causal LM) on <paramref name="batches"/>, which it enumerates once and disposes.</summary>
    /// <exception cref="NeuroLensException">The model is not a causal LM, or no window has a prediction.</exception>
    public static PerplexityResult Evaluate(ILanguageModel model, IEnumerable<TokenBatch> batches,
        IProgress<ProgressUpdate>? progress = null, CancellationToken cancellation = default)
    {
        if (model.Kind != ModelKind.CausalLm)
            throw new NeuroLensException($"perplexity needs a causal language model; this {model.ModelType} model is an encoder (use embedding fidelity)");
        var device = model.Module.parameters().FirstOrDefault()?.device ?? CPU;
        var windowNll = new List<double>();
        long predictions = 0;
        foreach (var batch in batches)
        {
            using (batch)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var ids = batch.InputIds.to(int64).to(device);
                var mask = batch.AttentionMask.to(int64).to(device);
                var logits = model.Forward(ids, mask);
                var (sums, counts) = RowNll(logits, ids, mask);
                for (int i = 0; i < sums.Length; i++)
                {
                    if (counts[i] == 0) continue;
                    windowNll.Add(sums[i] / counts[i]);
                    predictions += counts[i];
                }
                progress?.Report(new ProgressUpdate("perplexity", windowNll.Count, 0, "windows"));
            }
        }
        if (windowNll.Count == 0) throw new NeuroLensException("perplexity: no window has a next-token prediction (the text is shorter than one window?)");
        double mean = windowNll.Average();
        return new PerplexityResult(Math.Exp(mean), mean, windowNll.Count, predictions, windowNll);
    }
}
