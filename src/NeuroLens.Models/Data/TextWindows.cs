using NeuroLens.Core;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Data;

/// <summary>
/// A text tokenised into one stream of ids and cut into non-overlapping windows of a fixed length L,
/// as causal-LM perplexity and captures use it (entanglement.md §6): window w is stream tokens
/// [w·L, (w+1)·L). The whole text is tokenised at once (<see cref="ITextTokenizer.Tokenize"/>, no special
/// tokens added, so line breaks are tokens like any other), and the last partial window (fewer than L
/// tokens) is dropped. Deterministic: the same text and tokenizer give the same windows.
/// </summary>
public sealed class TextWindows
{
    private readonly TextToken[] _tokens;

    private TextWindows(string text, TextToken[] tokens, int length)
    {
        Text = text;
        _tokens = tokens;
        WindowLength = length;
    }

    /// <summary>The text that was tokenised.</summary>
    public string Text { get; }

    /// <summary>L, the tokens per window.</summary>
    public int WindowLength { get; }

    /// <summary>The number of whole windows.</summary>
    public int Count => _tokens.Length / WindowLength;

    /// <summary>Tokens in the stream, the dropped tail included.</summary>
    public int StreamLength => _tokens.Length;

    /// <summary>Tokens of the last partial window, which no window holds.</summary>
    public int DroppedTokens => _tokens.Length % WindowLength;

    /// <summary>Reads a UTF-8 text file and cuts it into windows of <paramref name="length"/> tokens.</summary>
    /// <exception cref="NeuroLensException">The file is missing or unreadable.</exception>
    public static TextWindows FromFile(string path, ITextTokenizer tokenizer, int length)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuroLensException($"{path}: cannot read the text file: {e.Message}", e);
        }
        return FromText(text, tokenizer, length);
    }

    /// <summary>Cuts <paramref name="text"/> into windows of <paramref name="length"/> tokens.</summary>
    public static TextWindows FromText(string text, ITextTokenizer tokenizer, int length)
    {
        if (length < 2) throw new NeuroLensException($"window length must be at least 2 tokens, got {length}");
        return new TextWindows(text, [.. tokenizer.Tokenize(text)], length);
    }

    /// <summary>The ids of window <paramref name="index"/>.</summary>
    public int[] Window(int index)
    {
        var tokens = WindowTokens(index);
        var ids = new int[tokens.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = tokens[i].Id;
        return ids;
    }

    /// <summary>The tokens of window <paramref name="index"/>, with their character spans in <see cref="Text"/>.</summary>
    public ReadOnlySpan<TextToken> WindowTokens(int index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), $"window {index} is outside 0..{Count - 1}");
        return _tokens.AsSpan(index * WindowLength, WindowLength);
    }

    /// <summary>
    /// The windows in order, <paramref name="batchSize"/> per batch (the last batch may be smaller), the
    /// first <paramref name="maxWindows"/> only when given. All windows are full, so masks are all 1.
    /// Batch row r of batch k is window k·batchSize + r, the sequence ordinal a capture records.
    /// </summary>
    public IEnumerable<TokenBatch> Batches(int batchSize, int? maxWindows = null)
    {
        if (batchSize < 1) throw new NeuroLensException($"batch size must be at least 1, got {batchSize}");
        if (maxWindows is < 1) throw new NeuroLensException($"the window limit must be at least 1, got {maxWindows}");
        int count = Math.Min(Count, maxWindows ?? int.MaxValue);
        for (int start = 0; start < count; start += batchSize)
        {
            var group = Enumerable.Range(start, Math.Min(batchSize, count - start)).Select(w => (IReadOnlyList<int>)Window(w)).ToList();
            yield return TokenBatches.RightPadded(group, 0);
        }
    }
}
