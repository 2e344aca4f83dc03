using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Tests;

public sealed class ByteLevelBpeTokenizerTests
{
    private const int EndOfText = 263;

    // Ids 0–255: the byte characters in byte order (id = byte value); then hand-picked merges.
    internal static ByteLevelBpeTokenizer Hand(bool prefixSpace = false)
    {
        var vocab = new Dictionary<string, int>();
        for (int b = 0; b < 256; b++) vocab[ByteLevelAlphabet.ToChar((byte)b).ToString()] = b;
        (string, string)[] merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("a", "t"), ("c", "at"), ("Ġ", "cat"), ("a", "a")];
        int next = 256;
        foreach (var (a, b) in merges) vocab[a + b] = next++; // Ġt 256, he 257, Ġthe 258, at 259, cat 260, Ġcat 261, aa 262
        return new ByteLevelBpeTokenizer(vocab, merges, [new AddedToken(EndOfText, "<|endoftext|>", Special: true)],
            new ByteLevelPreTokenizer(addPrefixSpace: prefixSpace));
    }

    [Fact]
    public void ByteTableHasGpt2sKnownValues()
    {
        Assert.Equal('\u0120', ByteLevelAlphabet.ToChar((byte)' ')); // Ġ
        Assert.Equal('\u010A', ByteLevelAlphabet.ToChar((byte)'\n')); // Ċ
        Assert.Equal('\u0100', ByteLevelAlphabet.ToChar(0));
        Assert.Equal('!', ByteLevelAlphabet.ToChar((byte)'!'));
        Assert.Equal('~', ByteLevelAlphabet.ToChar((byte)'~'));
        Assert.Equal('\u0121', ByteLevelAlphabet.ToChar(0x7F)); // ġ
        Assert.Equal('\u0142', ByteLevelAlphabet.ToChar(0xA0)); // ł
        Assert.Equal('\u0143', ByteLevelAlphabet.ToChar(0xAD)); // Ń
        Assert.Equal('\u00E9', ByteLevelAlphabet.ToChar(0xE9));
        Assert.Equal(256, ByteLevelAlphabet.All.Distinct().Count());
        for (int b = 0; b < 256; b++)
        {
            Assert.True(ByteLevelAlphabet.TryToByte(ByteLevelAlphabet.ToChar((byte)b), out byte back));
            Assert.Equal(b, back);
        }
        Assert.False(ByteLevelAlphabet.TryToByte(' ', out _));
    }

    [Fact]
    public void PreTokenizerSplitsAsGpt2()
    {
        var pre = new ByteLevelPreTokenizer();
        var (text, words, shift) = pre.Split("Hello world's  end 123abc\n\n");
        Assert.Equal(0, shift);
        Assert.Equal(["Hello", " world", "'s", " ", " end", " 123", "abc", "\n\n"], words.Select(r => text[r]).ToArray());
        var prefixed = new ByteLevelPreTokenizer(addPrefixSpace: true).Split("hi");
        Assert.Equal((" hi", 1), (prefixed.Text, prefixed.Shift));
    }

    [Fact]
    public void MergesByRankAsComputedByHand()
    {
        var t = Hand();
        // "the": t h e → (h,e) rank 1 → t he; no merge for (t,he).  " cat": Ġ c a t → at → cat → Ġcat.
        Assert.Equal([116, 257, 261], t.Encode("the cat"));
        // " the": (Ġ,t) rank 0 first, then (h,e), then (Ġt,he).
        Assert.Equal([116, 258], t.Encode("t the"));
        // Repeated pair merges left to right: a a a → aa a.
        Assert.Equal([262, 97], t.Encode("aaa"));
        // Unmerged bytes of a multi-byte character: é is C3 A9.
        Assert.Equal([0xC3, 0xA9], t.Encode("é"));
        // A prefix space makes the first word like the others.
        Assert.Equal([261], Hand(prefixSpace: true).Encode("cat"));
    }

    [Fact]
    public void AddedTokensAreMatchedVerbatim()
    {
        var t = Hand();
        Assert.Equal([116, 257, EndOfText, 261], t.Encode("the<|endoftext|> cat"));
        var tokens = t.Tokenize("the<|endoftext|> cat");
        Assert.Equal(new TextToken(EndOfText, 3, 13), tokens[2]);
        Assert.Equal("the<|endoftext|> cat", t.Decode(t.Encode("the<|endoftext|> cat")));
        Assert.Equal(EndOfText, t.PadId);
        Assert.Equal(264, t.VocabSize);
    }

    [Fact]
    public void SpansPointAtTheCharactersOfEachToken()
    {
        var t = Hand();
        var tokens = t.Tokenize("the cat");
        Assert.Equal([new TextToken(116, 0, 1), new TextToken(257, 1, 2), new TextToken(261, 4, 3)], tokens);
        // The two bytes of é both span the one character; a whitespace-only token spans its whitespace.
        Assert.Equal([new TextToken(0xC3, 0, 1), new TextToken(0xA9, 0, 1)], t.Tokenize("é"));
        var spaced = t.Tokenize("a  b");
        Assert.Equal([new TextToken(97, 0, 1), new TextToken(32, 1, 1), new TextToken(32, 2, 1), new TextToken(98, 3, 1)], spaced);
        // With a prefix space the added space spans nothing and the word keeps its own characters.
        Assert.Equal([new TextToken(261, 0, 3)], Hand(prefixSpace: true).Tokenize("cat"));
    }

    public static TheoryData<string> UnicodeTexts() =>
    [
        "",
        "plain ascii text, with punctuation!?",
        "Crème brûlée à la carte — naïve café",
        "emoji 😀👍🏽 and a family 👨‍👩‍👧 ok",
        "whitespace   runs\t\ttabs\n\nnew lines\r\n end  ",
        "漢字とかな、한국어, ελληνικά, кириллица",
        "combining e\u0301 and math 𝐀𝐁 and \u200b zero width",
        "  leading spaces and trailing  \n",
        "<|endoftext|><|endoftext|>x<|endoftext|",
    ];

    [Theory]
    [MemberData(nameof(UnicodeTexts))]
    public void DecodeInvertsEncode(string text)
    {
        Assert.Equal(text, Hand().Decode(Hand().Encode(text)));
        var trained = BpeTrainerTests.Trained();
        Assert.Equal(text, trained.Decode(trained.Encode(text)));
    }

    [Theory]
    [MemberData(nameof(UnicodeTexts))]
    public void SpansLieInTheTextInOrderAndMatchTheirTokens(string text)
    {
        var t = BpeTrainerTests.Trained();
        int last = 0;
        foreach (var token in t.Tokenize(text))
        {
            Assert.InRange(token.Start, last, text.Length);
            Assert.InRange(token.Start + token.Length, token.Start, text.Length);
            last = token.Start;
            string decoded = t.Decode([token.Id]);
            if (!decoded.Contains('\uFFFD'))
                Assert.Equal(decoded.Trim().Length == 0 ? decoded : decoded.Trim(), text.Substring(token.Start, token.Length));
            else
                Assert.True(token.Length is 1 or 2); // part of one character's bytes
        }
    }
}
