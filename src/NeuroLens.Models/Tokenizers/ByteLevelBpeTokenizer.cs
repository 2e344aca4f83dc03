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

    private readonly BpeVocabulary _bpe;
    private readonly Action<string, int, int, List<TextToken>> _tokenizePiece; // delegates made once, not per call
    private readonly Action<int, DecodedText> _decodeToken;
    private readonly int[] _byteIds;
    private readonly bool _unkIsBytes;
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
    /// <param name="ignoreMerges">A word that is itself a vocabulary token becomes that token without merging (HF's <c>ignore_merges</c>, as in Llama 3).</param>
    public ByteLevelBpeTokenizer(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string First, string Second)> merges,
        IReadOnlyList<AddedToken>? addedTokens = null, ByteLevelPreTokenizer? preTokenizer = null,
        IReadOnlyList<int>? prefix = null, IReadOnlyList<int>? suffix = null, string? padToken = null, string? unkToken = null,
        bool ignoreMerges = false)
    {
        IgnoreMerges = ignoreMerges;
        _bpe = new BpeVocabulary(vocab, merges, addedTokens, checkAddedIds: true);
        _tokenizePiece = TokenizePiece;
        _decodeToken = DecodeToken;
        PreTokenizer = preTokenizer ?? new ByteLevelPreTokenizer();
        int? unk = _bpe.UnknownId(unkToken);
        UnkId = unk;
        _unkIsBytes = unk is { } uid && _bpe.Token(uid).All(ch => ByteLevelAlphabet.TryToByte(ch, out _));
        _byteIds = new int[256];
        for (int b = 0; b < 256; b++)
        {
            string c = ByteLevelAlphabet.ToChar((byte)b).ToString();
            _byteIds[b] = _bpe.TryGetId(c, out int id) ? id : unk ?? -1;
        }
        Prefix = prefix?.ToArray() ?? [];
        Suffix = suffix?.ToArray() ?? [];
        VocabSize = _bpe.VocabSize;
        foreach (int id in Prefix.Concat(Suffix))
            if (id < 0 || id >= VocabSize) throw new ArgumentException($"special id {id} is outside the vocabulary (size {VocabSize})", nameof(prefix));
        if (padToken is not null)
            PadId = FindToken(padToken) ?? throw new ArgumentException($"the padding token '{padToken}' is not in the vocabulary", nameof(padToken));
        else
            PadId = _bpe.FirstSpecialId ?? 0;
    }

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <inheritdoc/>
    public int PadId { get; }

    /// <summary>Whether a word found whole in the vocabulary is taken as one token before any merge.</summary>
    public bool IgnoreMerges { get; }

    /// <summary>The id used for bytes the vocabulary lacks, if any.</summary>
    public int? UnkId { get; }

    /// <summary>The word split.</summary>
    public ByteLevelPreTokenizer PreTokenizer { get; }

    /// <summary>Ids put before a text by <see cref="Encode"/> with special tokens.</summary>
    public IReadOnlyList<int> Prefix { get; }

    /// <summary>Ids put after a text by <see cref="Encode"/> with special tokens.</summary>
    public IReadOnlyList<int> Suffix { get; }

    /// <summary>The vocabulary (token in the byte alphabet → id), added tokens not included.</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _bpe.Vocab;

    /// <summary>The merges in rank order.</summary>
    public IReadOnlyList<(string First, string Second)> Merges => _bpe.MergeList;

    /// <summary>The added tokens.</summary>
    public IReadOnlyList<AddedToken> AddedTokens => _bpe.Added.OrderBy(t => t.Id).ToArray();

    /// <summary>The id of a token (vocabulary or added), or null.</summary>
    public int? FindToken(string token) =>
        _bpe.Added.FirstOrDefault(t => t.Content == token) is { } a ? a.Id : _bpe.TryGetId(token, out int id) ? id : null;

    /// <summary>The string of an id: a vocabulary token in the byte alphabet, or an added token's content; null when unused.</summary>
    public string? TokenOf(int id) => _bpe.TryGetAdded(id, out var a) ? a.Content : _bpe.TryGetToken(id, out var token) ? token : null;

    /// <inheritdoc/>
    public IReadOnlyList<TextToken> Tokenize(string text) => _bpe.Tokenize(text, _tokenizePiece, text is null ? 0 : text.Length / 3 + 4);

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true) => BpeVocabulary.Encode(Tokenize(text), Prefix, Suffix, addSpecialTokens);

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids) => Decode(ids, skipSpecialTokens: false);

    /// <summary>The text of the given ids, leaving out special added tokens when <paramref name="skipSpecialTokens"/> (as HF's default decode).</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens) => _bpe.Decode(ids, skipSpecialTokens, _decodeToken);

    // A vocabulary token's characters back to bytes (a character outside the byte alphabet stays as it is).
    private void DecodeToken(int id, DecodedText text)
    {
        if (!_bpe.TryGetToken(id, out var token)) return; // unused ids decode to nothing, as in HF
        foreach (char c in token)
        {
            if (ByteLevelAlphabet.TryToByte(c, out byte b)) text.AddByte(b);
            else text.Append(c);
        }
    }

    /// <summary>The ids of one word (a pre-tokenized piece of text), by the merges of its UTF-8 bytes (cached).</summary>
    internal int[] EncodeWord(ReadOnlySpan<char> word)
    {
        var lookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(word, out var cached)) return cached;
        int count = Encoding.UTF8.GetByteCount(word);
        byte[]? rented = count > 256 ? System.Buffers.ArrayPool<byte>.Shared.Rent(count) : null;
        Span<byte> utf8 = rented is null ? stackalloc byte[256] : rented;
        utf8 = utf8[..Encoding.UTF8.GetBytes(word, utf8)];
        if (IgnoreMerges && _bpe.TryGetId(ByteLevelAlphabet.Encode(utf8), out int whole))
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            int[] one = [whole];
            _cache.TryAdd(word.ToString(), one);
            return one;
        }
        var symbols = new List<int>(utf8.Length);
        foreach (byte b in utf8)
        {
            int id = _byteIds[b];
            if (id < 0) throw new NeuroLensException($"tokenizer: the vocabulary has no token for byte 0x{b:X2} and no unknown token");
            symbols.Add(id);
        }
        if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        while (symbols.Count > 1)
        {
            int bestRank = int.MaxValue, bestId = -1;
            long bestKey = 0;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (_bpe.TryGetMerge(symbols[i], symbols[i + 1], out var m) && m.Rank < bestRank)
                    (bestRank, bestId, bestKey) = (m.Rank, m.Id, BpeVocabulary.Key(symbols[i], symbols[i + 1]));
            if (bestId < 0) break;
            int write = 0;
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && BpeVocabulary.Key(symbols[i], symbols[i + 1]) == bestKey)
                {
                    symbols[write++] = bestId;
                    i++;
                }
                else symbols[write++] = symbols[i];
            }
            symbols.RemoveRange(write, symbols.Count - write);
        }
        var ids = symbols.ToArray();
        if (_cache.Count >= CacheLimit) _cache.Clear();
        _cache.TryAdd(word.ToString(), ids);
        return ids;
    }

    private void TokenizePiece(string original, int start, int length, List<TextToken> result)
    {
        if (length == 0) return;
        var (text, words, shift) = PreTokenizer.Split(original.Substring(start, length));
        var offsets = new List<int>(); // byte index within the word → character index within the word
        foreach (var word in words)
        {
            var (wStart, wLength) = word.GetOffsetAndLength(text.Length);
            var w = text.AsSpan(wStart, wLength);
            var ids = EncodeWord(w);
            bool ascii = System.Text.Ascii.IsValid(w);
            if (!ascii)
            {
                offsets.Clear();
                for (int c = 0; c < w.Length; c++)
                {
                    bool pair = char.IsHighSurrogate(w[c]) && c + 1 < w.Length && char.IsLowSurrogate(w[c + 1]);
                    int n = pair ? 4 : char.IsSurrogate(w[c]) ? 3 : Encoding.UTF8.GetByteCount(w.Slice(c, 1));
                    for (int k = 0; k < n; k++) offsets.Add(c);
                    if (pair) c++;
                }
            }
            int b = 0;
            foreach (int id in ids)
            {
                int nBytes = TokenByteLength(id);
                int first = ascii ? b : offsets[b], lastChar = ascii ? b + nBytes - 1 : offsets[b + nBytes - 1];
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

    // Bytes a vocabulary token stands for: one per character of the byte alphabet; an unknown token stands for one byte.
    private int TokenByteLength(int id) => id == UnkId && !_unkIsBytes ? 1 : _bpe.Token(id).Length;
}
