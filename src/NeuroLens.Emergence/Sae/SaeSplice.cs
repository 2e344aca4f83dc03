using NeuroLens.Core;
using NeuroLens.Emergence.Activations;
using NeuroLens.Models.Data;
using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Sae;

/// <summary>Next-token losses of a causal model with an SAE's reconstruction, or zero, spliced in at a block output.</summary>
/// <param name="Clean">Mean next-token cross-entropy (nats) of the unmodified model.</param>
/// <param name="Spliced">The same with <c>resid_post[layer]</c> replaced by the SAE's reconstruction.</param>
/// <param name="Zero">The same with <c>resid_post[layer]</c> replaced by zeros.</param>
/// <param name="Recovered">(Zero − Spliced) / (Zero − Clean).</param>
public sealed record SaeSplice(double Clean, double Spliced, double Zero, double Recovered)
{
    /// <summary>
    /// Runs <paramref name="model"/> over <paramref name="sequences"/> three times — clean, with x̂ =
    /// SAE(x) in place of <c>resid_post[layer]</c> at every position (a forward hook on
    /// <see cref="ILanguageModel.BlockName"/>), and with zeros there — and averages the next-token
    /// cross-entropy over every predicted real token.
    /// </summary>
    public static SaeSplice Measure(ILanguageModel model, SparseAutoencoder sae, int layer, IReadOnlyList<int[]> sequences,
        int batchSize = 8, int padId = 0)
    {
        if (model.Kind != ModelKind.CausalLm)
            throw new NeuroLensException($"CE loss recovered needs a causal language model; {model.ModelType} is an encoder");
        if (sae.InputSize != model.HiddenSize)
            throw new NeuroLensException($"the SAE reads d_in = {sae.InputSize} but the model's residual stream has width {model.HiddenSize}");
        double clean = Loss(model, layer, sequences, batchSize, padId, null);
        double spliced = Loss(model, layer, sequences, batchSize, padId, x =>
        {
            var rows = x.reshape(-1, x.shape[^1]);
            return sae.Reconstruct(rows).reshape(x.shape);
        });
        double zero = Loss(model, layer, sequences, batchSize, padId, x => zeros_like(x));
        return new SaeSplice(clean, spliced, zero, (zero - spliced) / (zero - clean));
    }

    private static double Loss(ILanguageModel model, int layer, IReadOnlyList<int[]> sequences, int batchSize, int padId,
        Func<Tensor, Tensor>? replace)
    {
        using var hook = replace is null ? null : BlockHook.Attach(model, layer, replace);
        double total = 0;
        long count = 0;
        for (int first = 0; first < sequences.Count; first += batchSize)
        {
            var group = sequences.Skip(first).Take(batchSize).Where(s => s.Length > 0).Select(s => (IReadOnlyList<int>)s).ToList();
            if (group.Count == 0) continue;
            using var scope = NewDisposeScope();
            var batch = TokenBatches.RightPadded(group, padId);
            var ids = batch.InputIds;
            var mask = batch.AttentionMask;
            using var noGrad = no_grad();
            var logits = model.Forward(ids, mask);
            long t = ids.shape[1];
            if (t < 2) continue;
            var predicted = logits.narrow(1, 0, t - 1).reshape(-1, logits.shape[^1]);
            var targets = ids.narrow(1, 1, t - 1).reshape(-1);
            var real = mask.narrow(1, 1, t - 1).reshape(-1).to_type(ScalarType.Bool);
            var losses = nn.functional.cross_entropy(predicted, targets, reduction: nn.Reduction.None);
            total += losses.masked_select(real).to_type(ScalarType.Float64).sum().item<double>();
            count += real.sum().item<long>();
        }
        if (count == 0) throw new NeuroLensException("CE loss recovered: no sequence has two or more tokens");
        return total / count;
    }
}
