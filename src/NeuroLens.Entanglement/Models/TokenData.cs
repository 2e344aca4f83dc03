using NeuroLens.Core;
using NeuroLens.Models.Data;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Models;

/// <summary>
/// Tokenised calibration or evaluation data held in memory so it can be run through a model several
/// times: for encoders one text per non-empty line (cut to <c>maxLength</c> tokens, special tokens
/// added); for causal LMs non-overlapping windows of <c>maxLength</c> tokens of the whole text
/// (entanglement.md §1, §6). Batches are (ids, mask) pairs, right-padded; dispose to free them.
/// </summary>
public sealed class TokenData : IDisposable
{
    private readonly List<(Tensor Ids, Tensor Mask)> _batches;

    private TokenData(List<(Tensor, Tensor)> batches)
    {
        _batches = batches;
        Sequences = batches.Sum(b => (int)b.Item1.shape[0]);
        Tokens = batches.Sum(b => b.Item2.sum().item<long>());
    }

    /// <summary>The batches: (B, T) int64 ids and (B, T) int64 mask (1 real, 0 padding).</summary>
    public IReadOnlyList<(Tensor Ids, Tensor Mask)> Batches => _batches;

    /// <summary>Texts (encoders) or windows (causal LMs).</summary>
    public int Sequences { get; }

    /// <summary>Real (non-padding) tokens.</summary>
    public long Tokens { get; }

    /// <summary>Tokenises <paramref name="text"/> for <paramref name="model"/>, stopping after about <paramref name="maxTokens"/> real tokens.</summary>
    /// <param name="model">Decides lines (encoder) or windows (causal LM).</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="text">The data.</param>
    /// <param name="maxTokens">Stop once this many real tokens are taken (whole sequences).</param>
    /// <param name="maxLength">Sequence length: the window (causal) or the longest text (encoder); capped at the context length.</param>
    /// <param name="batchSize">Sequences per batch.</param>
    public static TokenData FromText(ILanguageModel model, ITextTokenizer tokenizer, string text, long maxTokens, int maxLength, int batchSize = 16)
    {
        if (maxTokens < 1) throw new NeuroLensException($"token data: the token budget must be ≥ 1, got {maxTokens}");
        int length = Math.Min(maxLength, model.MaxPositions);
        var batches = new List<(Tensor, Tensor)>();
        long taken = 0;
        IEnumerable<TokenBatch> source = model.Kind == ModelKind.CausalLm
            ? TextWindows.FromText(text, tokenizer, length).Batches(batchSize)
            : TextLines.FromTexts(text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)).Batches(tokenizer, batchSize, length);
        foreach (var batch in source)
        {
            using (batch)
            {
                if (taken >= maxTokens) break;
                taken += batch.AttentionMask.sum().item<long>();
                batches.Add((batch.InputIds.to(ScalarType.Int64).clone(), batch.AttentionMask.to(ScalarType.Int64).clone()));
            }
        }
        if (batches.Count == 0)
            throw new NeuroLensException(model.Kind == ModelKind.CausalLm
                ? $"token data: the text holds fewer than one window of {length} tokens"
                : "token data: the text holds no non-empty line");
        return new TokenData(batches);
    }

    /// <summary>Fresh <see cref="TokenBatch"/> copies (the evaluation APIs dispose what they enumerate).</summary>
    public IEnumerable<TokenBatch> TokenBatches()
    {
        foreach (var (ids, mask) in _batches)
            yield return new TokenBatch(ids.clone(), mask.clone(), zeros_like(ids));
    }

    /// <summary>Frees the batches.</summary>
    public void Dispose()
    {
        foreach (var (ids, mask) in _batches)
        {
            ids.Dispose();
            mask.Dispose();
        }
    }
}
