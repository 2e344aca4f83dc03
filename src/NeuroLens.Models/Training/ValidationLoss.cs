using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Models.Training;

/// <summary>Mean next-token cross-entropy of a causal LM over the first non-overlapping windows of a token stream.</summary>
internal static class ValidationLoss
{
    /// <summary>
    /// Windows of <paramref name="context"/> + 1 tokens (at most <paramref name="maxWindows"/>), each scored
    /// on its <paramref name="context"/> predictions; the mean over all predictions in nats.
    /// </summary>
    public static double MeanNll(ILanguageModel model, IReadOnlyList<int> tokens, int context, int maxWindows, int batchSize)
    {
        int length = context + 1;
        int windows = Math.Min(maxWindows, tokens.Count / length);
        if (windows < 1) throw new Core.NeuroLensException($"validation text of {tokens.Count} tokens is shorter than one window of {length}");
        double total = 0;
        long count = 0;
        bool training = model.Module.training;
        model.Module.eval();
        try
        {
            using var _ = no_grad();
            for (int start = 0; start < windows; start += batchSize)
            {
                int b = Math.Min(batchSize, windows - start);
                var ids = new long[b * length];
                for (int i = 0; i < ids.Length; i++) ids[i] = tokens[start * length + i];
                using var scope = NewDisposeScope();
                var all = tensor(ids, [b, length]);
                var input = all[.., ..context];
                var target = all[.., 1..];
                var logits = model.Forward(input, ones_like(input));
                var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), target.reshape(-1), reduction: nn.Reduction.Sum);
                total += loss.item<float>();
                count += (long)b * context;
            }
        }
        finally
        {
            model.Module.train(training);
        }
        return total / count;
    }
}
