using NeuroLens.Emergence.Concepts;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Emergence.Tests.Concepts;

public sealed class ConceptLabellerTests
{
    private static readonly ConceptSet Concepts = new([
        new("animal", ["cat", "elephant", "Sea_Lion"]),
        new("colour", ["red"]),
        new("food", ["cat"]), // a word in two categories
    ]);

    [Fact]
    public void MultiTokenWordsLabelAllTheirTokensOrOnlyTheFirst()
    {
        const string text = "The elephant saw a red sea lion.";
        // Byte-level-BPE-like spans: "The", " ele", "phant", " saw", " a", " red", " sea", " lion", "."
        TextToken[] tokens = [new(1, 0, 3), new(2, 3, 4), new(3, 7, 5), new(4, 12, 4), new(5, 16, 2), new(6, 18, 4), new(7, 22, 4), new(8, 26, 5), new(9, 31, 1)];
        var all = ConceptLabeller.Label(text, tokens, Concepts);
        Assert.Equal([[], [0], [0], [], [], [1], [0], [0], []], all.Select(l => l.ToArray()).ToArray());
        var first = ConceptLabeller.Label(text, tokens, Concepts, firstTokenOnly: true);
        Assert.Equal([[], [0], [], [], [], [1], [0], [], []], first.Select(l => l.ToArray()).ToArray());
    }

    [Fact]
    public void WordsInSeveralCategoriesAndSpecialTokens()
    {
        const string text = "Cat!";
        TextToken[] tokens = [new(0, 0, 0), new(1, 0, 3), new(2, 3, 1), new(3, 4, 0)]; // [CLS] cat ! [SEP]
        var labels = ConceptLabeller.Label(text, tokens, Concepts);
        Assert.Empty(labels[0]);
        Assert.Equal([0, 2], labels[1].Order());
        Assert.Empty(labels[2]);
        Assert.Empty(labels[3]);
    }

    [Fact]
    public void WordsKeepInnerApostrophesAndHyphens()
    {
        var words = ConceptLabeller.Words("a cat's well-being, 42 cats");
        Assert.Equal([(0, 1), (2, 5), (8, 10), (20, 2), (23, 4)], words);
    }
}
