using System.Collections.Concurrent;
using System.Text;
using NeuroLens.Core;

namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// Llama/SentencePiece-style BPE from a <c>tokenizer.json</c> (Llama 2, Mistral, TinyLlama): spaces become "▁"
/// (<see cref="Replacement"/>), a "▁" is put in front (<see cref="SpacePrepend"/>), the text is optionally split
/// before each "▁", and each word's characters are merged by rank. A character missing from the vocabulary becomes
/// its UTF-8 bytes as <c>&lt;0xNN&gt;</c> tokens (<c>byte_fallback</c>) or the unknown token (consecutive ones fused
/// when <c>fuse_unk</c>). Decoding turns "▁" back into spaces, byte tokens into UTF-8 text, and drops one leading
/// space when the decoder strips it. Added tokens are matched verbatim first, as for <see cref="ByteLevelBpeTokenizer"/>;
/// spans follow the same conventions (leading "▁"/spaces trimmed, the added "▁" spans nothing).
/// </summary>
public sealed class SentencePieceBpeTokenizer : ITextTokenizer
{
    private const int CacheLimit = 100_000;
    private readonly BpeVocabulary _bpe;
    private readonly Action<string, int, int, List<TextToken>> _tokenizePiece; // delegates made once, not per call
    private readonly Action<int, DecodedText> _decodeToken;
    private readonly int[] _byteTokens = new int[256];
    private readonly Dictionary<int, byte> _byteOfToken = [];
    private readonly ConcurrentDictionary<string, (int Id, int Start, int Length)[]> _cache = new(StringComparer.Ordinal);

    /// <summary>Builds the tokenizer; <see cref="ArgumentException"/> when merges or tokens name what the vocabulary lacks.</summary>
    /// <param name="vocab">Token → id.</param>
    /// <param name="merges">Merges, highest priority first.</param>
    /// <param name="addedTokens">Tokens matched verbatim.</param>
    /// <param name="unkToken">The unknown token, or null.</param>
    /// <param name="byteFallback">Characters the vocabulary lacks become <c>&lt;0xNN&gt;</c> byte tokens.</param>
    /// <param name="fuseUnk">Consecutive unknown characters become one unknown token.</param>
    /// <param name="prepend">Where "▁" is put in front.</param>
    /// <param name="splitWords">Split the text before each "▁" (Metaspace <c>split</c>).</param>
    /// <param name="stripLeadingSpace">Decoding drops one leading space.</param>
    /// <param name="prefix">Ids put before a text by <see cref="Encode"/> with special tokens (e.g. &lt;s&gt;).</param>
    /// <param name="suffix">Ids put after it.</param>
    /// <param name="ignoreMerges">A word found whole in the vocabulary is one token.</param>
    /// <param name="replacement">The word marker.</param>
    /// <param name="decodeBytes">Decoding turns byte tokens into text (a <c>ByteFallback</c> decoder); else they stay as written, as HF does without one.</param>
    public SentencePieceBpeTokenizer(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string First, string Second)> merges,
        IReadOnlyList<AddedToken>? addedTokens, string? unkToken, bool byteFallback, bool fuseUnk, SpacePrepend prepend, bool splitWords,
        bool stripLeadingSpace, IReadOnlyList<int>? prefix = null, IReadOnlyList<int>? suffix = null, bool ignoreMerges = false, char replacement = '\u2581',
        bool decodeBytes = true)
    {
        DecodeBytes = decodeBytes;
        _bpe = new BpeVocabulary(vocab, merges, addedTokens, checkAddedIds: false);
        _tokenizePiece = TokenizePiece;
        _decodeToken = DecodeToken;
        UnkId = _bpe.UnknownId(unkToken);
        for (int b = 0; b < 256; b++)
        {
            _byteTokens[b] = _bpe.TryGetId($"<0x{b:X2}>", out int id) ? id : -1;
            if (_byteTokens[b] >= 0) _byteOfToken[_byteTokens[b]] = (byte)b;
        }
        ByteFallback = byteFallback;
        FuseUnk = fuseUnk;
        Prepend = prepend;
        SplitWords = splitWords;
        StripLeadingSpace = stripLeadingSpace;
        IgnoreMerges = ignoreMerges;
        Replacement = replacement;
        Prefix = prefix?.ToArray() ?? [];
        Suffix = suffix?.ToArray() ?? [];
        VocabSize = _bpe.VocabSize;
        PadId = UnkId ?? _bpe.FirstSpecialId ?? 0;
    }

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <inheritdoc/>
    public int PadId { get; }

    /// <summary>The unknown token's id, if any.</summary>
    public int? UnkId { get; }

    /// <summary>Whether missing characters become byte tokens.</summary>
    public bool ByteFallback { get; }

    /// <summary>Whether consecutive unknown characters are one token.</summary>
    public bool FuseUnk { get; }

    /// <summary>Where the word marker is put in front.</summary>
    public SpacePrepend Prepend { get; }

    /// <summary>Whether text is split before each word marker.</summary>
    public bool SplitWords { get; }

    /// <summary>Whether decoding drops one leading space.</summary>
    public bool StripLeadingSpace { get; }

    /// <summary>Whether a word found whole in the vocabulary is one token.</summary>
    public bool IgnoreMerges { get; }

    /// <summary>Whether decoding turns <c>&lt;0xNN&gt;</c> tokens into text.</summary>
    public bool DecodeBytes { get; }

    /// <summary>The word marker ("▁").</summary>
    public char Replacement { get; }

    /// <summary>Ids put before a text with special tokens.</summary>
    public IReadOnlyList<int> Prefix { get; }

    /// <summary>Ids put after a text with special tokens.</summary>
    public IReadOnlyList<int> Suffix { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TextToken> Tokenize(string text) => _bpe.Tokenize(text, _tokenizePiece);

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens = true) => BpeVocabulary.Encode(Tokenize(text), Prefix, Suffix, addSpecialTokens);

    /// <inheritdoc/>
    public string Decode(IEnumerable<int> ids) => Decode(ids, skipSpecialTokens: false);

    /// <summary>The text of the ids, leaving out special added tokens when <paramref name="skipSpecialTokens"/>.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        string text = _bpe.Decode(ids, skipSpecialTokens, _decodeToken);
        return StripLeadingSpace && text.Length > 0 && text[0] == ' ' ? text[1..] : text;
    }

    // A byte token to its byte (when decoding bytes), any other vocabulary token to its text with spaces for the word marker.
    private void DecodeToken(int id, DecodedText text)
    {
        if (DecodeBytes && _byteOfToken.TryGetValue(id, out byte b)) text.AddByte(b);
        else if (_bpe.TryGetToken(id, out var token)) text.Append(token.Replace(Replacement, ' '));
    }

    private void TokenizePiece(string original, int start, int length, List<TextToken> result)
    {
        if (length == 0) return;
        string piece = original.Substring(start, length).Replace(' ', Replacement);
        bool prepend = Prepend switch
        {
            SpacePrepend.Always => true,
            SpacePrepend.AlwaysUnlessPresent => piece[0] != Replacement,
            SpacePrepend.First => start == 0 && piece[0] != Replacement,
            _ => false,
        };
        int shift = prepend ? 1 : 0;
        if (prepend) piece = Replacement + piece;
        var words = new List<(int Start, int Length)>();
        if (SplitWords)
        {
            int s = 0;
            for (int i = 1; i < piece.Length; i++)
                if (piece[i] == Replacement)
                {
                    words.Add((s, i - s));
                    s = i;
                }
            words.Add((s, piece.Length - s));
        }
        else words.Add((0, piece.Length));
        foreach (var (ws, wl) in words)
            foreach (var (id, ts, tl) in EncodeWord(piece.Substring(ws, wl)))
            {
                int s = ws + ts - shift, e = ws + ts + tl - shift;
                if (s < 0) s = 0;
                while (s < e && char.IsWhiteSpace(original[start + s])) s++;
                if (s == e) (s, e) = (Math.Max(0, ws + ts - shift), ws + ts + tl - shift);
                result.Add(new TextToken(id, start + s, Math.Max(0, e - s)));
            }
    }

    // Symbols (id, start, length in characters of the word) after merging; cached by word.
    private (int Id, int Start, int Length)[] EncodeWord(string word)
    {
        if (_cache.TryGetValue(word, out var cached)) return cached;
        var symbols = new List<(int Id, int Start, int Length)>();
        if (IgnoreMerges && _bpe.TryGetId(word, out int whole)) symbols.Add((whole, 0, word.Length));
        else
        {
            for (int i = 0; i < word.Length; i++)
            {
                int n = char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]) ? 2 : 1;
                string c = word.Substring(i, n);
                if (_bpe.TryGetId(c, out int id)) symbols.Add((id, i, n));
                else
                {
                    var utf8 = Encoding.UTF8.GetBytes(c);
                    if (ByteFallback && utf8.All(b => _byteTokens[b] >= 0))
                        foreach (var b in utf8) symbols.Add((_byteTokens[b], i, n));
                    else if (UnkId is { } unk)
                    {
                        if (FuseUnk && symbols.Count > 0 && symbols[^1].Id == unk && symbols[^1].Start + symbols[^1].Length == i)
                            symbols[^1] = (unk, symbols[^1].Start, symbols[^1].Length + n);
                        else symbols.Add((unk, i, n));
                    }
                    else throw new NeuroLensException($"tokenizer: '{c}' is not in the vocabulary and there is no byte fallback or unknown token");
                }
                i += n - 1;
            }
            while (symbols.Count > 1)
            {
                int bestRank = int.MaxValue, bestId = -1, bestAt = -1;
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (_bpe.TryGetMerge(symbols[i].Id, symbols[i + 1].Id, out var m) && m.Rank < bestRank)
                        (bestRank, bestId, bestAt) = (m.Rank, m.Id, i);
                if (bestId < 0) break;
                var (a, b) = (symbols[bestAt].Id, symbols[bestAt + 1].Id);
                var merged = new List<(int, int, int)>(symbols.Count);
                for (int i = 0; i < symbols.Count; i++)
                {
                    if (i + 1 < symbols.Count && symbols[i].Id == a && symbols[i + 1].Id == b)
                    {
                        int s = symbols[i].Start;
                        merged.Add((bestId, s, symbols[i + 1].Start + symbols[i + 1].Length - s));
                        i++;
                    }
                    else merged.Add(symbols[i]);
                }
                symbols = merged;
            }
        }
        var result = symbols.ToArray();
        if (_cache.Count >= CacheLimit) _cache.Clear();
        _cache.TryAdd(word, result);
        return result;
    }
}
