using NeuroLens.Core;
using NeuroLens.Models.Capture;
using NeuroLens.Models.Data;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Emergence.Activations;

/// <summary>Captures one activation site of a model over text lines, in memory, for SAE training, evaluation and concept scoring.</summary>
public static class TextActivations
{
    /// <summary>
    /// Token ids of each non-empty line (the model's special tokens included, cut to its context) and a
    /// capture of <paramref name="site"/> (<c>resid_post.L</c> or a linear layer's <c>:input</c>/<c>:output</c>)
    /// over them, at most <paramref name="maxTokens"/> tokens. Dispose the capture.
    /// </summary>
    public static (List<int[]> Sequences, CaptureSet Capture) Capture(ILanguageModel model, ITextTokenizer tokenizer, IEnumerable<string> lines,
        string site, long maxTokens, int batchSize = 16)
    {
        var sequences = lines.Where(l => l.Trim().Length > 0)
            .Select(l => tokenizer.Encode(l, addSpecialTokens: true).Take(model.MaxPositions).ToArray())
            .Where(s => s.Length > 0).ToList();
        if (sequences.Count == 0) throw new NeuroLensException("--data: no non-empty line to run the model on");
        var batches = Enumerable.Range(0, (sequences.Count + batchSize - 1) / batchSize)
            .Select(b => TokenBatches.RightPadded(sequences.Skip(b * batchSize).Take(batchSize).Select(s => (IReadOnlyList<int>)s).ToList(), tokenizer.PadId));
        var capture = ActivationCapture.Run(model, batches, new CaptureOptions
            { Sites = [site], MaxTokens = maxTokens, MemoryBudgetBytes = Math.Max(CaptureOptions.DefaultMemoryBudgetBytes, maxTokens * (model.HiddenSize * 4L + 64) * 5) });
        return (sequences, capture);
    }

    /// <summary>The block index of a <c>resid_post.L</c> site, or null for other sites.</summary>
    public static int? ResidPostLayer(string site) =>
        site.StartsWith(CaptureSite.ResidPostPrefix, StringComparison.Ordinal) && int.TryParse(site[CaptureSite.ResidPostPrefix.Length..], out int l) ? l : null;
}
