using System.Text.RegularExpressions;

namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// The split of a text into the words that byte-level BPE encodes one by one (Hugging Face's
/// <c>ByteLevel</c> pre-tokenizer, optionally behind a <c>Split</c> with its own pattern): an optional
/// prefix space, then the matches of a regular expression (GPT-2's by default); the text between
/// matches, if any, forms words too, so no character is ever dropped.
/// </summary>
public sealed class ByteLevelPreTokenizer
{
    /// <summary>
    /// GPT-2's pattern: English contractions, letters with an optional leading space, digits likewise,
    /// other symbols likewise, then whitespace runs (a run before a word leaves its last space to it).
    /// </summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly Regex? _regex;

    /// <summary>A pre-tokenizer with the given pattern (null: the whole text is one word).</summary>
    /// <param name="pattern">The word pattern, .NET syntax.</param>
    /// <param name="addPrefixSpace">Put a space before a text that does not start with one (so its first word is coded like any other).</param>
    public ByteLevelPreTokenizer(string? pattern = Gpt2Pattern, bool addPrefixSpace = false)
    {
        Pattern = pattern;
        AddPrefixSpace = addPrefixSpace;
        _regex = pattern is null ? null : new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10));
    }

    /// <summary>The word pattern, or null when texts are not split.</summary>
    public string? Pattern { get; }

    /// <summary>Whether a space is put before a text that does not start with one.</summary>
    public bool AddPrefixSpace { get; }

    /// <summary>
    /// The text as encoded (with the prefix space when one is added) and the word ranges in it.
    /// Shift is 1 when a space was added (subtract it to get positions in the original text).
    /// </summary>
    public (string Text, List<Range> Words, int Shift) Split(string text)
    {
        int shift = AddPrefixSpace && text.Length > 0 && text[0] != ' ' ? 1 : 0;
        if (shift == 1) text = " " + text;
        var words = new List<Range>();
        if (text.Length == 0) return (text, words, shift);
        if (_regex is null)
        {
            words.Add(0..text.Length);
            return (text, words, shift);
        }
        int at = 0;
        for (var m = _regex.Match(text); m.Success; m = m.NextMatch())
        {
            if (m.Length == 0) continue;
            if (m.Index > at) words.Add(at..m.Index);
            words.Add(m.Index..(m.Index + m.Length));
            at = m.Index + m.Length;
        }
        if (at < text.Length) words.Add(at..text.Length);
        return (text, words, shift);
    }
}
