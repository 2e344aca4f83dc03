using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Tests;

/// <summary>
/// A test tokenizer: whitespace-separated words, each word its own id from a fixed word list (id = 4 + index;
/// unknown words 1); <c>Encode</c> with special tokens adds 2 before and 3 after; pad 0.
/// </summary>
internal sealed class WordTokenizer(IReadOnlyList<string> words) : ITextTokenizer
{
    public int VocabSize => words.Count + 4;

    public int PadId => 0;

    public IReadOnlyList<TextToken> Tokenize(string text)
    {
        var tokens = new List<TextToken>();
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
            int index = words.ToList().IndexOf(text[start..i]);
            tokens.Add(new TextToken(index < 0 ? 1 : index + 4, start, i - start));
        }
        return tokens;
    }

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true)
    {
        var ids = Tokenize(text).Select(t => t.Id).ToList();
        if (addSpecialTokens)
        {
            ids.Insert(0, 2);
            ids.Add(3);
        }
        return ids;
    }

    public string Decode(IEnumerable<int> ids) => string.Join(' ', ids.Select(id => id >= 4 ? words[id - 4] : $"[{id}]"));
}
