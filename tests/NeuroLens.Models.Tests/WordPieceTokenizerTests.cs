using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Models.Tests;

public sealed class WordPieceTokenizerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // Ids are line numbers: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3, [MASK]=4, then words and pieces.
    private WordPieceTokenizer Tiny(int maxLength = 512)
    {
        var path = _folder.File("vocab.txt");
        File.WriteAllLines(path, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", ",", "world", "!", "neur", "##ons", "cafe", "the"]);
        return WordPieceTokenizer.FromVocab(path, lowerCase: true, maxLength);
    }

    [Fact]
    public void LowercasesSplitsPunctuationAndWordPieces()
    {
        var t = Tiny();
        Assert.Equal([2, 5, 6, 7, 8, 3], t.Encode("Hello, WORLD!"));
        Assert.Equal([2, 9, 10, 3], t.Encode("Neurons"));
        Assert.Equal([2, 11, 1, 3], t.Encode("Café xyz")); // accent stripped; an unknown word is [UNK]
    }

    [Fact]
    public void StripsAccentsAsBertUncasedDoes() =>
        Assert.Equal("Creme brulee, \u0415\u043b\u043a\u0430, cafe", AccentFolding.Strip("Crème brûlée, \u0401\u043b\u043a\u0430, cafe\u0301"));

    [Fact]
    public void TruncatesKeepingTheSeparator()
    {
        var t = Tiny(maxLength: 4);
        Assert.Equal([2, 5, 6, 3], t.Encode("hello, world!"));
    }

    [Fact]
    public void PadsABatchToItsLongestTextWithAMask()
    {
        using var batch = Tiny().EncodeBatch(["hello world", "the", "neurons , hello !"]);
        Assert.Equal(new long[] { 3, 7 }, batch.InputIds.shape);
        Assert.Equal(new long[] { 2, 5, 7, 3, 0, 0, 0, 2, 12, 3, 0, 0, 0, 0, 2, 9, 10, 6, 5, 8, 3 }, batch.InputIds.data<long>().ToArray());
        Assert.Equal(new long[] { 4, 3, 7 }, batch.Lengths);
        Assert.Equal(0, batch.TokenTypeIds.sum().item<long>());
        Assert.Equal(ScalarType.Int64, batch.AttentionMask.dtype);
    }

    [Fact]
    public void MatchesBertUncasedIdsOnTheMiniLMVocabulary()
    {
        var vocab = _folder.File("minilm-vocab.txt");
        File.WriteAllBytes(vocab, BuiltIn.BuiltInModel.MiniLM.ReadVocab());
        var t = WordPieceTokenizer.FromVocab(vocab);
        // bert-base-uncased: [CLS] hello , world ! [SEP]
        Assert.Equal([101, 7592, 1010, 2088, 999, 102], t.Encode("Hello, world!"));
    }

    [Fact]
    public void TokenizeGivesPiecesWithTheirCharacterSpans()
    {
        ITextTokenizer t = Tiny();
        Assert.Equal([new TextToken(5, 0, 5), new TextToken(6, 5, 1), new TextToken(7, 7, 5), new TextToken(8, 12, 1)], t.Tokenize("Hello, WORLD!"));
        Assert.Equal([new TextToken(9, 0, 4), new TextToken(10, 4, 3)], t.Tokenize("Neurons"));
        Assert.Equal([new TextToken(11, 0, 4), new TextToken(1, 5, 3)], t.Tokenize("Café xyz"));
        // A separate combining accent is dropped; the spans still index the original text.
        Assert.Equal([new TextToken(11, 0, 4), new TextToken(12, 6, 3)], t.Tokenize("cafe\u0301 the"));
        Assert.Equal([5, 6], t.Encode("hello,", addSpecialTokens: false));
        Assert.Equal(13, t.VocabSize);
    }
}
