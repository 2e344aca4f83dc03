using NeuroLens.Core;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Data;

/// <summary>
/// Texts for an encoder, one per line of a file: each non-blank line, trimmed, is one text (a
/// sentence or a passage); blank lines are skipped. Batches tokenise each text with the model's
/// special tokens, truncate it to a maximum length, and pad on the right. Deterministic.
/// </summary>
public sealed class TextLines
{
    private TextLines(IReadOnlyList<string> texts) => Texts = texts;

    /// <summary>The texts, in file order.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>The non-blank lines of a UTF-8 file.</summary>
    /// <exception cref="NeuroLensException">The file is missing or unreadable.</exception>
    public static TextLines FromFile(string path)
    {
        try
        {
            return FromTexts(File.ReadLines(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuroLensException($"{path}: cannot read the text file: {e.Message}", e);
        }
    }

    /// <summary>The non-blank texts of <paramref name="texts"/>, trimmed.</summary>
    public static TextLines FromTexts(IEnumerable<string> texts) =>
        new(texts.Select(t => t.Trim()).Where(t => t.Length > 0).ToList());

    /// <summary>
    /// The texts in order, <paramref name="batchSize"/> per batch, each <see cref="ITextTokenizer.Encode"/>d
    /// with special tokens and cut to its first <paramref name="maxLength"/> tokens, right-padded with
    /// the tokenizer's pad id. Batch row r of batch k is text k·batchSize + r.
    /// </summary>
    public IEnumerable<TokenBatch> Batches(ITextTokenizer tokenizer, int batchSize, int maxLength, int? maxTexts = null)
    {
        if (batchSize < 1) throw new NeuroLensException($"batch size must be at least 1, got {batchSize}");
        if (maxLength < 1) throw new NeuroLensException($"the maximum length must be at least 1, got {maxLength}");
        int count = Math.Min(Texts.Count, maxTexts ?? int.MaxValue);
        for (int start = 0; start < count; start += batchSize)
        {
            var group = new List<IReadOnlyList<int>>();
            for (int i = start; i < Math.Min(count, start + batchSize); i++)
            {
                var ids = tokenizer.Encode(Texts[i], addSpecialTokens: true);
                if (ids.Count == 0) ids = [tokenizer.PadId]; // a text with no tokens still takes its row
                group.Add(ids.Count > maxLength ? ids.Take(maxLength).ToList() : ids);
            }
            yield return TokenBatches.RightPadded(group, tokenizer.PadId);
        }
    }
}
