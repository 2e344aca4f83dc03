using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Emergence.Concepts;

/// <summary>
/// Labels token positions with concept categories: a token belongs to T_c when the word (or phrase)
/// it is part of is in W_c (emergence.md §3).
/// </summary>
/// <remarks>
/// Words are maximal runs of letters and digits (an apostrophe or hyphen between two letters stays
/// inside a word). A token is part of every word its character span overlaps, so a byte-level BPE token
/// with its leading space (<c>Ġcat</c>) belongs to <c>cat</c>. Phrases of several words (<c>sea lion</c>)
/// match consecutive words, longest first. A word split into several tokens labels all of them, or only
/// the first with <c>firstTokenOnly</c>. Special tokens (empty spans) get no category.
/// </remarks>
public static class ConceptLabeller
{
    /// <summary>The categories of each token of <paramref name="text"/> (one list per token, in order).</summary>
    public static IReadOnlyList<int>[] Label(string text, IReadOnlyList<TextToken> tokens, ConceptSet concepts, bool firstTokenOnly = false)
    {
        var result = new List<int>[tokens.Count];
        for (int i = 0; i < result.Length; i++) result[i] = [];
        var words = Words(text);
        int w = 0;
        while (w < words.Count)
        {
            int matched = 0;
            IReadOnlyList<int> categories = [];
            for (int n = Math.Min(concepts.MaxPhraseWords, words.Count - w); n >= 1; n--)
            {
                var phrase = string.Join(' ', Enumerable.Range(w, n).Select(i => text.Substring(words[i].Start, words[i].Length).ToLowerInvariant()));
                categories = concepts.CategoriesOf(phrase);
                if (categories.Count > 0)
                {
                    matched = n;
                    break;
                }
            }
            if (matched == 0)
            {
                w++;
                continue;
            }
            int start = words[w].Start, end = words[w + matched - 1].Start + words[w + matched - 1].Length;
            for (int t = 0; t < tokens.Count; t++)
            {
                var token = tokens[t];
                if (token.Length == 0 || token.Start >= end || token.Start + token.Length <= start) continue;
                foreach (int c in categories)
                    if (!result[t].Contains(c)) result[t].Add(c);
                if (firstTokenOnly) break;
            }
            w += matched;
        }
        return result;
    }

    /// <summary>The words of a text as (start, length) character spans.</summary>
    public static List<(int Start, int Length)> Words(string text)
    {
        var words = new List<(int, int)>();
        int i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }
            int start = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i])
                   || ((text[i] == '\'' || text[i] == '-') && i + 1 < text.Length && char.IsLetter(text[i + 1]) && i > start && char.IsLetter(text[i - 1]))))
                i++;
            words.Add((start, i - start));
        }
        return words;
    }
}
