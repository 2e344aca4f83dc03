namespace NeuroLens.Models.Tokenizers;

/// <summary>One token of a text: its id and the characters of the text it came from.</summary>
/// <param name="Id">The vocabulary id.</param>
/// <param name="Start">Index of its first character in the text.</param>
/// <param name="Length">Number of characters of the text it covers (0 for an added special token).</param>
public readonly record struct TextToken(int Id, int Start, int Length);

/// <summary>
/// A tokenizer as the studies use it, whatever its algorithm (WordPiece, byte-level BPE): ids with
/// their character spans, so that positions can be mapped back to words (concept labelling), and
/// the special tokens a model expects around a text.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>The vocabulary size (largest id + 1).</summary>
    int VocabSize { get; }

    /// <summary>The padding id used when batching (for causal LMs without one, the end-of-text id).</summary>
    int PadId { get; }

    /// <summary>The tokens of <paramref name="text"/> with their character spans, without special tokens.</summary>
    IReadOnlyList<TextToken> Tokenize(string text);

    /// <summary>The ids of <paramref name="text"/>, with the model's special tokens around it when <paramref name="addSpecialTokens"/>.</summary>
    IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true);

    /// <summary>The text of the given ids.</summary>
    string Decode(IEnumerable<int> ids);
}
