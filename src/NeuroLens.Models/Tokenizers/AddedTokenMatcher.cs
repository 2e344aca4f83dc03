namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// Finds added tokens in a text as Hugging Face does before normalization: the leftmost occurrence, and of
/// the tokens starting there the longest (leftmost-longest).
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly AddedToken[] _tokens; // longest first

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens) =>
        _tokens = tokens.Where(t => t.Content.Length > 0).OrderByDescending(t => t.Content.Length).ThenBy(t => t.Id).ToArray();

    /// <summary>The tokens, longest first.</summary>
    public IReadOnlyList<AddedToken> Tokens => _tokens;

    /// <summary>The first added token at or after <paramref name="from"/>: its position and the token, or (text.Length, null).</summary>
    public (int Position, AddedToken? Token) Next(string text, int from)
    {
        if (_tokens.Length == 0) return (text.Length, null);
        for (int i = from; i < text.Length; i++)
            foreach (var t in _tokens)
                if (string.CompareOrdinal(text, i, t.Content, 0, t.Content.Length) == 0)
                    return (i, t);
        return (text.Length, null);
    }
}
