using System.Collections.Concurrent;
using System.Text;
using NeuroLens.Core;

namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// Byte-level BPE as GPT-2 and GPT-NeoX/Pythia use it. A text is first cut at its added tokens
/// (<c>&lt;|endoftext|&gt;</c> and the like, matched verbatim, longest first); each remaining piece is split
/// into words by the <see cref="ByteLevelPreTokenizer"/>; each word's UTF-8 bytes are written in the
/// <see cref="ByteLevelAlphabet"/> and merged pairwise, always the adjacent pair of lowest merge rank
/// first, until no ranked pair remains. Decoding concatenates the tokens and maps their characters
/// back to bytes (invalid UTF-8 becomes U+FFFD).
/// </summary>
/// <remarks>
/// Character spans (<see cref="Tokenize"/>) cover the characters whose bytes a token holds; a
/// character split over two tokens belongs to both. Leading and trailing whitespace is trimmed from a
/// span unless the token is only whitespace (as Hugging Face's <c>trim_offsets</c>), so <c>Ġcat</c>
/// spans <c>cat</c>; a token holding only the added prefix space spans nothing.
/// </remarks>
public sealed class ByteLevelBpeTokenizer : ITextTokenizer
{
    private const int CacheLimit = 100_000;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<int, string> _tokens;
    private readonly Dictionary<long, (int Rank, int Id)> _merges;
    private readonly (string First, string Second)[] _mergeList;
    private readonly AddedToken[] _added; // longest content first
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly int[] _byteIds;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// A tokenizer over a vocabulary (token string in the byte alphabet → id), merges in rank order,
    /// and added tokens. Throws <see cref="ArgumentException"/> when a merge names a token or a result
    /// the vocabulary lacks, or the vocabulary lacks one of the 256 byte characters and has no unknown token.
    /// </summary>
    /// <param name="vocab">Token → id; ids distinct and ≥ 0.</param>
    /// <param name="merges">The merges, highest priority first; each joins two tokens into a third, all in the vocabulary.</param>
    /// <param name="addedTokens">Tokens matched verbatim in the text (may share ids with the vocabulary).</param>
    /// <param name="preTokenizer">The word split (GPT-2's regex, no prefix space, when null).</param>
    /// <param name="prefix">Ids put before each text by <see cref="Encode"/> with special tokens (e.g. a BOS).</param>
    /// <param name="suffix">Ids put after it.</param>
    /// <param name="padToken">The padding token's content, or null to pad with the first special added token.</param>
    /// <param name="unkToken">The token for bytes the vocabulary lacks, or null.</param>
    public ByteLevelBpeTokenizer(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string First, string Second)> merges,
        IReadOnlyList<AddedToken>? addedTokens = null, ByteLevelPreTokenizer? preTokenizer = null,
        IReadOnlyList<int>? prefix = null, IReadOnlyList<int>? suffix = null, string? padToken = null, string? unkToken = null)
    {
        _vocab = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        _tokens = new Dictionary<int, string>(_vocab.Count);
        foreach (var (token, id) in _vocab)
        {
            if (id < 0) throw new ArgumentException($"token '{token}' has a negative id {id}", nameof(vocab));
            if (!_tokens.TryAdd(id, token)) throw new ArgumentException($"id {id} is given to both '{_tokens[id]}' and '{token}'", nameof(vocab));
        }
        PreTokenizer = preTokenizer ?? new ByteLevelPreTokenizer();
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
        _added = (addedTokens ?? []).Where(t => t.Content.Length > 0).OrderByDescending(t => t.Content.Length).ThenBy(t => t.Id).ToArray();
        _addedById = new Dictionary<int, AddedToken>();
        foreach (var t in _added)
        {
            if (t.Id < 0) throw new ArgumentException($"added token '{t.Content}' has a negative id {t.Id}", nameof(addedTokens));
            if (_tokens.TryGetValue(t.Id, out var existing) && existing != t.Content && !_addedById.ContainsKey(t.Id))
            {
                // HF allows an added token to reuse a vocabulary id only for the same content.
                throw new ArgumentException($"added token '{t.Content}' has id {t.Id}, which the vocabulary gives to '{existing}'", nameof(addedTokens));
            }
            _addedById.TryAdd(t.Id, t);
        }
        int? unk = null;
        if (unkToken is not null)
            unk = _vocab.TryGetValue(unkToken, out int u) ? u : throw new ArgumentException($"the unknown token '{unkToken}' is not in the vocabulary", nameof(unkToken));
        UnkId = unk;
        _byteIds = new int[256];
        for (int b = 0; b < 256; b++)
        {
            string c = ByteLevelAlphabet.ToChar((byte)b).ToString();
            _byteIds[b] = _vocab.TryGetValue(c, out int id) ? id : unk ?? -1;
        }
        Prefix = prefix?.ToArray() ?? [];
        Suffix = suffix?.ToArray() ?? [];
        VocabSize = Math.Max(_tokens.Count == 0 ? 0 : _tokens.Keys.Max() + 1, _addedById.Count == 0 ? 0 : _addedById.Keys.Max() + 1);
        foreach (int id in Prefix.Concat(Suffix))
            if (id < 0 || id >= VocabSize) throw new ArgumentException($"special id {id} is outside the vocabulary (size {VocabSize})", nameof(prefix));
        if (padToken is not null)
            PadId = FindToken(padToken) ?? throw new ArgumentException($"the padding token '{padToken}' is not in the vocabulary", nameof(padToken));
        else
            PadId = _added.Where(t => t.Special).Select(t => (int?)t.Id).Min() ?? 0;
    }

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <inheritdoc/>
    public int PadId { get; }

    /// <summary>The id used for bytes the vocabulary lacks, if any.</summary>
    public int? UnkId { get; }

    /// <summary>The word split.</summary>
    public ByteLevelPreTokenizer PreTokenizer { get; }

    /// <summary>Ids put before a text by <see cref="Encode"/> with special tokens.</summary>
    public IReadOnlyList<int> Prefix { get; }

    /// <summary>Ids put after a text by <see cref="Encode"/> with special tokens.</summary>
    public IReadOnlyList<int> Suffix { get; }

    /// <summary>The vocabulary (token in the byte alphabet → id), added tokens not included.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    /// <summary>The merges in rank order.</summary>
    public IReadOnlyList<(string First, string Second)> Merges => _mergeList;

    /// <summary>The added tokens.</summary>
    public IReadOnlyList<AddedToken> AddedTokens => _added.OrderBy(t => t.Id).ToArray();

    /// <summary>The id of a token (vocabulary or added), or null.</summary>
    public int? FindToken(string token) =>
        _added.FirstOrDefault(t => t.Content == token) is { } a ? a.Id : _vocab.TryGetValue(token, out int id) ? id : null;

    /// <summary>The string of an id: a vocabulary token in the byte alphabet, or an added token's content; null when unused.</summary>
    public string? TokenOf(int id) => _addedById.TryGetValue(id, out var a) ? a.Content : _tokens.GetValueOrDefault(id);

    /// <inheritdoc/>
    public IReadOnlyList<TextToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<TextToken>(text.Length / 3 + 4);
        int at = 0;
        while (at < text.Length)
        {
            var (next, token) = NextAdded(text, at);
            TokenizePiece(text, at, next - at, result);
            if (token is null) break;
            result.Add(new TextToken(token.Id, next, token.Content.Length));
            at = next + token.Content.Length;
        }
        return result;
    }

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true)
    {
        var tokens = Tokenize(text);
        var ids = new List<int>(tokens.Count + Prefix.Count + Suffix.Count);
        if (addSpecialTokens) ids.AddRange(Prefix);
        foreach (var t in tokens) ids.Add(t.Id);
        if (addSpecialTokens) ids.AddRange(Suffix);
        return ids;
    }

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>();
        void Flush()
        {
            text.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
        }
        foreach (int id in ids)
        {
            if (_addedById.TryGetValue(id, out var added))
            {
                Flush();
                text.Append(added.Content);
                continue;
            }
            if (!_tokens.TryGetValue(id, out var token)) continue; // unused ids decode to nothing, as in HF
            foreach (char c in token)
            {
                if (ByteLevelAlphabet.TryToByte(c, out byte b)) bytes.Add(b);
                else
                {
                    Flush();
                    text.Append(c);
                }
            }
        }
        Flush();
        return text.ToString();
    }

    /// <summary>The ids of one word given as UTF-8 bytes, by the merges (cached).</summary>
    internal int[] EncodeWord(ReadOnlySpan<byte> utf8)
    {
        string key = ByteLevelAlphabet.Encode(utf8);
        if (_cache.TryGetValue(key, out var cached)) return cached;
        var symbols = new List<int>(utf8.Length);
        foreach (byte b in utf8)
        {
            int id = _byteIds[b];
            if (id < 0) throw new NeuroLensException($"tokenizer: the vocabulary has no token for byte 0x{b:X2} and no unknown token");
            symbols.Add(id);
        }
        while (symbols.Count > 1)
        {
            int bestRank = int.MaxValue, bestId = -1;
            long bestKey = 0;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (_merges.TryGetValue(Key(symbols[i], symbols[i + 1]), out var m) && m.Rank < bestRank)
                    (bestRank, bestId, bestKey) = (m.Rank, m.Id, Key(symbols[i], symbols[i + 1]));
            if (bestId < 0) break;
            var merged = new List<int>(symbols.Count);
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && Key(symbols[i], symbols[i + 1]) == bestKey)
                {
                    merged.Add(bestId);
                    i++;
                }
                else merged.Add(symbols[i]);
            }
            symbols = merged;
        }
        var ids = symbols.ToArray();
        if (_cache.Count >= CacheLimit) _cache.Clear();
        _cache.TryAdd(key, ids);
        return ids;
    }

    private static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    // The first added token at or after `from`: its position and the token (longest at a position), or (text.Length, null).
    private (int Position, AddedToken? Token) NextAdded(string text, int from)
    {
        if (_added.Length == 0) return (text.Length, null);
        for (int i = from; i < text.Length; i++)
            foreach (var t in _added)
                if (string.CompareOrdinal(text, i, t.Content, 0, t.Content.Length) == 0 && i + t.Content.Length <= text.Length)
                    return (i, t);
        return (text.Length, null);
    }

    private void TokenizePiece(string original, int start, int length, List<TextToken> result)
    {
        if (length == 0) return;
        var (text, words, shift) = PreTokenizer.Split(original.Substring(start, length));
        var offsets = new List<int>(); // byte index within the word → character index within `text`
        var buffer = new byte[64];
        foreach (var word in words)
        {
            var (wStart, wLength) = word.GetOffsetAndLength(text.Length);
            string w = text.Substring(wStart, wLength);
            int count = Encoding.UTF8.GetByteCount(w);
            if (buffer.Length < count) buffer = new byte[Math.Max(count, buffer.Length * 2)];
            Encoding.UTF8.GetBytes(w, buffer);
            offsets.Clear();
            for (int c = 0; c < w.Length; c++)
            {
                int n = char.IsHighSurrogate(w[c]) && c + 1 < w.Length && char.IsLowSurrogate(w[c + 1]) ? 4
                    : char.IsSurrogate(w[c]) ? 3 : Encoding.UTF8.GetByteCount(w.AsSpan(c, 1));
                int span = n == 4 ? 2 : 1;
                for (int k = 0; k < n; k++) offsets.Add(c);
                c += span - 1;
            }
            var ids = EncodeWord(buffer.AsSpan(0, count));
            int b = 0;
            foreach (int id in ids)
            {
                int nBytes = id == UnkId && !_tokens[id].All(ch => ByteLevelAlphabet.TryToByte(ch, out _)) ? 1 : TokenByteLength(id);
                int first = offsets[b], lastByte = b + nBytes - 1;
                int lastChar = offsets[lastByte];
                int end = lastChar + (char.IsHighSurrogate(w[lastChar]) && lastChar + 1 < w.Length ? 2 : 1);
                b += nBytes;
                // Trim whitespace unless the token is only whitespace.
                int s = first, e = end;
                while (s < e && char.IsWhiteSpace(w[s])) s++;
                while (e > s && char.IsWhiteSpace(w[e - 1])) e--;
                if (s == e) (s, e) = (first, end);
                s += wStart - shift;
                e += wStart - shift;
                if (s < 0) s = 0; // the added prefix space maps to nothing
                if (e < s) e = s;
                result.Add(new TextToken(id, start + s, e - s));
            }
        }
    }

    private int TokenByteLength(int id)
    {
        string t = _tokens[id];
        return t.Length;
    }
}
