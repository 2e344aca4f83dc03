using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Tests;

public sealed class SentencePieceBpeTokenizerTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers");

    private static SentencePieceBpeTokenizer Llama2() => Assert.IsType<SentencePieceBpeTokenizer>(TokenizerLoader.Load(Path.Combine(Folder, "llama2")));

    // Ids 0–2: <unk>, <s>, </s>; 3–258: <0x00>…<0xFF>; then "▁", printable ASCII, a few accented letters.
    private static SentencePieceBpeTokenizer Hand(bool byteFallback = true)
    {
        var vocab = new Dictionary<string, int> { ["<unk>"] = 0, ["<s>"] = 1, ["</s>"] = 2 };
        for (int b = 0; b < 256; b++) vocab[$"<0x{b:X2}>"] = vocab.Count;
        foreach (var c in new[] { "▁", "a", "b", "c", "▁a", "▁ab", "bc" }) vocab[c] = vocab.Count; // ▁ 259, a 260, b 261, c 262, ▁a 263, ▁ab 264, bc 265
        (string, string)[] merges = [("b", "c"), ("▁", "a"), ("▁a", "b")];
        return new SentencePieceBpeTokenizer(vocab, merges, [new AddedToken(1, "<s>", true)], "<unk>", byteFallback, fuseUnk: true,
            SpacePrepend.Always, splitWords: false, stripLeadingSpace: true, prefix: [1]);
    }

    [Fact]
    public void MergesByRankWithByteFallbackAndFusedUnknowns()
    {
        var t = Hand();
        // "abc" → "▁abc": (b,c) rank 0 → ▁ a bc → (▁,a) rank 1 → ▁a bc; (▁a, bc) has no merge.
        Assert.Equal([1, 263, 265], t.Encode("abc"));
        // "ab c": "▁ab▁c" → (▁,a) → ▁a b ▁ c → (▁a,b) → ▁ab ▁ c.
        Assert.Equal([264, 259, 262], t.Encode("ab c", addSpecialTokens: false));
        // é is missing: its UTF-8 bytes C3 A9 as byte tokens (ids 3 + byte).
        Assert.Equal([259, 3 + 0xC3, 3 + 0xA9], t.Encode("é", addSpecialTokens: false));
        // Without byte fallback, consecutive unknown characters are one <unk>.
        Assert.Equal([259, 0, 260], Hand(byteFallback: false).Encode("éèa", addSpecialTokens: false));
        Assert.Equal("abc", t.Decode(t.Encode("abc"), skipSpecialTokens: true));
        Assert.Equal("<s> abc", t.Decode(t.Encode("abc"))); // as HF: the strip decoder only looks at the start
    }

    [Fact]
    public void SpansTrimTheWordMarker()
    {
        var t = Hand();
        Assert.Equal([new TextToken(264, 0, 2), new TextToken(259, 2, 1), new TextToken(262, 3, 1)], t.Tokenize("ab c"));
        Assert.Equal([new TextToken(259, 0, 0), new TextToken(3 + 0xC3, 0, 1), new TextToken(3 + 0xA9, 0, 1)], t.Tokenize("é"));
    }

    [Theory]
    [MemberData(nameof(ByteLevelBpeTokenizerTests.UnicodeTexts), MemberType = typeof(ByteLevelBpeTokenizerTests))]
    public void DecodeInvertsEncodeAndSpansLieInTheText(string text)
    {
        var t = Llama2();
        if (!text.Contains("<s>")) Assert.Equal(text, t.Decode(t.Encode(text), skipSpecialTokens: true));
        int last = 0;
        foreach (var token in t.Tokenize(text))
        {
            Assert.InRange(token.Start, last, text.Length);
            Assert.InRange(token.Start + token.Length, token.Start, text.Length);
            last = token.Start;
        }
    }
}
