using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;
using NeuroLens.Core;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tokenizers;

/// <summary>
/// BERT's WordPiece tokenizer over a <c>vocab.txt</c> (one token per line, the line number is the id),
/// built on Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>: BERT's basic tokenization (whitespace
/// and punctuation splitting, CJK characters as words, accents stripped when lowercasing), then greedy
/// longest-match-first word pieces with <c>##</c> continuations and <c>[UNK]</c> for words that do not
/// split. Each text becomes <c>[CLS] pieces [SEP]</c>. Uncased models also strip accents
/// (<see cref="AccentFolding"/>), as BERT's tokenizer does.
/// </summary>
public sealed class WordPieceTokenizer : ITextTokenizer
{
    private readonly BertTokenizer _tokenizer;

    private WordPieceTokenizer(BertTokenizer tokenizer, int maxLength, int vocabSize)
    {
        VocabSize = vocabSize;
        _tokenizer = tokenizer;
        MaxLength = maxLength;
    }

    /// <summary>The longest sequence produced, [CLS] and [SEP] included; longer texts are truncated.</summary>
    public int MaxLength { get; }

    /// <summary>Whether text is lowercased (and accents stripped) first, as for uncased BERT models.</summary>
    public bool LowerCase => _tokenizer.LowerCaseBeforeTokenization;

    /// <summary>The padding token's id (<c>[PAD]</c>).</summary>
    public int PadId => _tokenizer.PaddingTokenId;

    /// <summary>Reads <c>vocab.txt</c>.</summary>
    /// <param name="vocabPath">The vocabulary file.</param>
    /// <param name="lowerCase">Lowercase first (uncased models, the default).</param>
    /// <param name="maxLength">Longest sequence in tokens, special tokens included (at least 2).</param>
    public static WordPieceTokenizer FromVocab(string vocabPath, bool lowerCase = true, int maxLength = 512)
    {
        if (maxLength < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "room for [CLS] and [SEP] is needed");
        if (!File.Exists(vocabPath)) throw new NeuroLensException($"{vocabPath}: no such vocabulary file");
        try
        {
            // BERT uncased strips accents whenever it lowercases (strip_accents defaults to do_lower_case).
            var options = new BertOptions { LowerCaseBeforeTokenization = lowerCase, RemoveNonSpacingMarks = lowerCase, ApplyBasicTokenization = true };
            var tokenizer = BertTokenizer.Create(vocabPath, options);
            return new WordPieceTokenizer(tokenizer, maxLength, File.ReadLines(vocabPath).Count());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IOException)
        {
            throw new NeuroLensException($"{vocabPath}: not a usable WordPiece vocabulary ({e.Message.Split('\n')[0]})", e);
        }
    }

    /// <summary>
    /// Reads the tokenizer of a Hugging Face model folder: <c>vocab.txt</c>, with <c>do_lower_case</c>
    /// (default true) and <c>model_max_length</c> from <c>tokenizer_config.json</c> when present, capped at
    /// <paramref name="maxPositions"/>.
    /// </summary>
    public static WordPieceTokenizer FromFolder(string folder, int maxPositions)
    {
        var vocab = Path.Combine(folder, "vocab.txt");
        if (!File.Exists(vocab)) throw new NeuroLensException($"{folder}: has no vocab.txt (a BERT WordPiece vocabulary)");
        bool lower = true;
        int maxLength = maxPositions;
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(configPath))
        {
            try
            {
                if (JsonNode.Parse(File.ReadAllText(configPath)) is JsonObject config)
                {
                    if (config["do_lower_case"] is JsonValue l && l.TryGetValue<bool>(out var b)) lower = b;
                    if (config["model_max_length"] is JsonValue m && m.TryGetValue<double>(out var n) && n >= 2 && n < maxLength) maxLength = (int)n;
                }
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new NeuroLensException($"{configPath}: not valid JSON: {e.Message.Split('\n')[0]}", e);
            }
        }
        return FromVocab(vocab, lower, maxLength);
    }

    /// <summary>The ids of one text, <c>[CLS] … [SEP]</c>, truncated to <see cref="MaxLength"/> (the last piece kept is followed by [SEP]).</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        var pieces = _tokenizer.EncodeToIds(LowerCase ? AccentFolding.Strip(text) : text, addSpecialTokens: false);
        var ids = new List<int>(Math.Min(pieces.Count, MaxLength - 2) + 2) { _tokenizer.ClassificationTokenId };
        ids.AddRange(pieces.Take(MaxLength - 2));
        ids.Add(_tokenizer.SeparatorTokenId);
        return ids;
    }

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens) =>
        addSpecialTokens ? Encode(text) : _tokenizer.EncodeToIds(LowerCase ? AccentFolding.Strip(text) : text, addSpecialTokens: false);

    /// <summary>
    /// The word pieces of <paramref name="text"/> (no [CLS]/[SEP], not truncated) with the characters of the
    /// original text each covers; a <c>##</c> piece covers its part of the word.
    /// </summary>
    public IReadOnlyList<TextToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string folded = LowerCase ? AccentFolding.Strip(text) : text;
        var tokens = _tokenizer.EncodeToTokens(folded, out string? normalized, considerPreTokenization: true, considerNormalization: true);
        normalized ??= folded;
        var map = Align(text, normalized);
        var result = new List<TextToken>(tokens.Count);
        foreach (var t in tokens)
        {
            if (t.Id == _tokenizer.ClassificationTokenId || t.Id == _tokenizer.SeparatorTokenId) continue;
            var (offset, length) = t.Offset.GetOffsetAndLength(normalized.Length);
            if (length == 0)
            {
                result.Add(new TextToken(t.Id, offset < map.Length ? map[offset] : text.Length, 0));
                continue;
            }
            int start = map[offset], end = map[offset + length - 1] + 1;
            result.Add(new TextToken(t.Id, start, end - start));
        }
        return result;
    }

    // For each character of the normalised text, the index of the original character it came from:
    // normalisation here only lowercases and drops or folds accents, so a greedy walk aligns them.
    private static int[] Align(string original, string normalized)
    {
        var map = new int[normalized.Length];
        if (original.Length == normalized.Length)
        {
            for (int k = 0; k < map.Length; k++) map[k] = k;
            return map;
        }
        int i = 0;
        for (int j = 0; j < normalized.Length; j++)
        {
            while (i < original.Length - 1 && !Same(original[i], normalized[j])) i++;
            map[j] = Math.Min(i, original.Length - 1);
            if (i < original.Length - 1) i++;
        }
        return map;
    }

    private static bool Same(char a, char b)
    {
        if (char.ToLowerInvariant(a) == char.ToLowerInvariant(b)) return true;
        string folded = AccentFolding.Strip(a.ToString());
        return folded.Length == 1 && char.ToLowerInvariant(folded[0]) == char.ToLowerInvariant(b);
    }

    /// <summary>The token strings of the given ids (for display).</summary>
    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids) ?? "";

    /// <summary>
    /// Tokenises a batch and pads it on the right to its longest text, with the attention mask marking
    /// real tokens and token types all 0.
    /// </summary>
    public TokenBatch EncodeBatch(IReadOnlyList<string> texts)
    {
        if (texts.Count == 0) throw new ArgumentException("at least one text is needed", nameof(texts));
        var encoded = texts.Select(Encode).ToList();
        int length = encoded.Max(e => e.Count);
        var ids = new long[texts.Count * length];
        var mask = new long[texts.Count * length];
        for (int i = 0; i < encoded.Count; i++)
            for (int j = 0; j < length; j++)
            {
                bool real = j < encoded[i].Count;
                ids[i * length + j] = real ? encoded[i][j] : PadId;
                mask[i * length + j] = real ? 1 : 0;
            }
        long[] shape = [texts.Count, length];
        return new TokenBatch(tensor(ids, shape), tensor(mask, shape), zeros(shape, int64));
    }
}
