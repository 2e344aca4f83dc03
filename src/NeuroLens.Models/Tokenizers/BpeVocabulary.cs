namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// What both BPE tokenizers (<see cref="ByteLevelBpeTokenizer"/>, <see cref="SentencePieceBpeTokenizer"/>) hold and
/// do alike: the vocabulary both ways, the merge ranks by id pair, the added tokens; cutting a text at its added
/// tokens, putting the special prefix and suffix around ids, and decoding added tokens. Throws
/// <see cref="ArgumentException"/> (naming the constructor parameter <c>vocab</c>, <c>merges</c>, <c>addedTokens</c>
/// or <c>unkToken</c>) when ids are negative or repeated, or a merge names a token or result the vocabulary lacks.
/// </summary>
internal sealed class BpeVocabulary
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<int, string> _tokens;
    private readonly Dictionary<long, (int Rank, int Id)> _merges;
    private readonly (string First, string Second)[] _mergeList;
    private readonly AddedTokenMatcher _matcher;
    private readonly AddedToken[] _added; // longest content first
    private readonly Dictionary<int, AddedToken> _addedById = [];

    /// <param name="vocab">Token → id; ids distinct and ≥ 0.</param>
    /// <param name="merges">The merges, highest priority first; a repeated merge keeps its first rank.</param>
    /// <param name="addedTokens">Tokens matched verbatim in the text.</param>
    /// <param name="checkAddedIds">Refuse an added token with a negative id, or with a vocabulary id the vocabulary gives to other content (as HF's byte-level tokenizers).</param>
    public BpeVocabulary(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string First, string Second)> merges,
        IReadOnlyList<AddedToken>? addedTokens, bool checkAddedIds)
    {
        _vocab = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        _tokens = new Dictionary<int, string>(_vocab.Count);
        foreach (var (token, id) in _vocab)
        {
            if (id < 0) throw new ArgumentException($"token '{token}' has a negative id {id}", nameof(vocab));
            if (!_tokens.TryAdd(id, token)) throw new ArgumentException($"id {id} is given to both '{_tokens[id]}' and '{token}'", nameof(vocab));
        }
        _mergeList = merges.ToArray();
        _merges = new Dictionary<long, (int, int)>(_mergeList.Length);
        for (int rank = 0; rank < _mergeList.Length; rank++)
        {
            var (a, b) = _mergeList[rank];
            if (!_vocab.TryGetValue(a, out int ia)) throw new ArgumentException($"merge {rank} ('{a} {b}') names '{a}', which is not in the vocabulary", nameof(merges));
            if (!_vocab.TryGetValue(b, out int ib)) throw new ArgumentException($"merge {rank} ('{a} {b}') names '{b}', which is not in the vocabulary", nameof(merges));
            if (!_vocab.TryGetValue(a + b, out int ic)) throw new ArgumentException($"merge {rank} ('{a} {b}') makes '{a + b}', which is not in the vocabulary", nameof(merges));
            _merges.TryAdd(Key(ia, ib), (rank, ic)); // a repeated merge keeps its first (highest) rank
        }
        _matcher = new AddedTokenMatcher(addedTokens ?? []);
        _added = _matcher.Tokens.ToArray();
        foreach (var t in _added)
        {
            if (checkAddedIds)
            {
                if (t.Id < 0) throw new ArgumentException($"added token '{t.Content}' has a negative id {t.Id}", nameof(addedTokens));
                if (_tokens.TryGetValue(t.Id, out var existing) && existing != t.Content && !_addedById.ContainsKey(t.Id))
                {
                    // HF allows an added token to reuse a vocabulary id only for the same content.
                    throw new ArgumentException($"added token '{t.Content}' has id {t.Id}, which the vocabulary gives to '{existing}'", nameof(addedTokens));
                }
            }
            _addedById.TryAdd(t.Id, t);
        }
        VocabSize = Math.Max(_tokens.Count == 0 ? 0 : _tokens.Keys.Max() + 1, _addedById.Count == 0 ? 0 : _addedById.Keys.Max() + 1);
    }

    /// <summary>One more than the largest id of the vocabulary and the added tokens (0 when there are none).</summary>
    public int VocabSize { get; }

    /// <summary>Token → id (ordinal), added tokens not included.</summary>
    public IReadOnlyDictionary<string, int> Vocab => _vocab;

    /// <summary>The merges in rank order.</summary>
    public IReadOnlyList<(string First, string Second)> MergeList => _mergeList;

    /// <summary>The added tokens, longest content first.</summary>
    public IReadOnlyList<AddedToken> Added => _added;

    /// <summary>The smallest id of a special added token, or null when there is none.</summary>
    public int? FirstSpecialId => _added.Where(t => t.Special).Select(t => (int?)t.Id).Min();

    /// <summary>The merge key of an adjacent id pair.</summary>
    public static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    /// <summary>The vocabulary token of an id known to be in the vocabulary.</summary>
    public string Token(int id) => _tokens[id];

    /// <summary>The vocabulary token of an id, if any (added tokens not included).</summary>
    public bool TryGetToken(int id, out string token) => _tokens.TryGetValue(id, out token!);

    /// <summary>The vocabulary id of a token (added tokens not included).</summary>
    public bool TryGetId(string token, out int id) => _vocab.TryGetValue(token, out id);

    /// <summary>The merge of an adjacent id pair (its rank and the id it makes), if ranked.</summary>
    public bool TryGetMerge(int a, int b, out (int Rank, int Id) merge) => _merges.TryGetValue(Key(a, b), out merge);

    /// <summary>The added token with this id, if any.</summary>
    public bool TryGetAdded(int id, out AddedToken added) => _addedById.TryGetValue(id, out added!);

    /// <summary>The unknown token's id, null when <paramref name="unkToken"/> is null; fails when the vocabulary lacks it.</summary>
    public int? UnknownId(string? unkToken) => unkToken is null ? null
        : _vocab.TryGetValue(unkToken, out int u) ? u : throw new ArgumentException($"the unknown token '{unkToken}' is not in the vocabulary", nameof(unkToken));

    /// <summary>
    /// The tokens of a text: the pieces between added tokens go through <paramref name="tokenizePiece"/> (the text,
    /// the piece's start and length, the list to add to); each added token is one token spanning its content.
    /// </summary>
    public IReadOnlyList<TextToken> Tokenize(string text, Action<string, int, int, List<TextToken>> tokenizePiece, int capacity = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<TextToken>(capacity);
        int at = 0;
        while (at < text.Length)
        {
            var (next, token) = _matcher.Next(text, at);
            tokenizePiece(text, at, next - at, result);
            if (token is null) break;
            result.Add(new TextToken(token.Id, next, token.Content.Length));
            at = next + token.Content.Length;
        }
        return result;
    }

    /// <summary>The ids of the tokens, between <paramref name="prefix"/> and <paramref name="suffix"/> when <paramref name="addSpecialTokens"/>.</summary>
    public static IReadOnlyList<int> Encode(IReadOnlyList<TextToken> tokens, IReadOnlyList<int> prefix, IReadOnlyList<int> suffix, bool addSpecialTokens)
    {
        var ids = new List<int>(tokens.Count + prefix.Count + suffix.Count);
        if (addSpecialTokens) ids.AddRange(prefix);
        foreach (var t in tokens) ids.Add(t.Id);
        if (addSpecialTokens) ids.AddRange(suffix);
        return ids;
    }

    /// <summary>
    /// The text of the ids: an added token is its content (left out when special and <paramref name="skipSpecialTokens"/>);
    /// any other id goes through <paramref name="decodeToken"/>.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens, Action<int, DecodedText> decodeToken)
    {
        var text = new DecodedText();
        foreach (int id in ids)
        {
            if (_addedById.TryGetValue(id, out var added))
            {
                if (!(skipSpecialTokens && added.Special)) text.Append(added.Content);
                continue;
            }
            decodeToken(id, text);
        }
        return text.ToString();
    }
}
