using System.Text.RegularExpressions;
using NeuroLens.Core;
using NeuroLens.Models.Text;

namespace NeuroLens.Models.Tests;

public sealed class ConceptCategoriesTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void BuiltInHasSixteenCategoriesOfThirtyOrMoreSingleLowerCaseWords()
    {
        var c = ConceptCategories.BuiltIn;
        Assert.True(c.Categories.Count >= 14);
        Assert.Equal(16, c.Categories.Count);
        foreach (var category in c.Categories)
        {
            Assert.True(c.WordsOf[category].Count >= 30, $"{category}: {c.WordsOf[category].Count} words");
            Assert.All(c.WordsOf[category], w => Assert.Matches(new Regex("^[a-z]+$"), w));
        }
        // Every listed word is in exactly one category (FromPairs refuses a word in two).
        int listed = BuiltInConcepts.Lists.Sum(l => l.Words.Length);
        Assert.Equal(listed, c.CategoryOf.Count);
        Assert.Equal("animals", c.Find("Elephant"));
        Assert.Null(c.Find("table"));
    }

    [Fact]
    public void TsvRoundTrips()
    {
        var path = _folder.File("c.tsv");
        ConceptCategories.BuiltIn.WriteTsv(path);
        var back = ConceptCategories.ReadTsv(path);
        Assert.Equal(ConceptCategories.BuiltIn.Categories, back.Categories);
        Assert.Equal(ConceptCategories.BuiltIn.CategoryOf.OrderBy(p => p.Key), back.CategoryOf.OrderBy(p => p.Key));
        Assert.StartsWith("word\tcategory\nanimals".Replace("animals", "cat\tanimals"), File.ReadAllText(path));
    }

    [Fact]
    public void ReadsUserTsvWithCommentsAndCase()
    {
        var path = _folder.File("user.tsv");
        File.WriteAllText(path, "# my concepts\r\nOak\ttrees\r\npine\ttrees\n\nruby\tgems\npine\ttrees\n");
        var c = ConceptCategories.ReadTsv(path);
        Assert.Equal(["trees", "gems"], c.Categories);
        Assert.Equal(["oak", "pine"], c.WordsOf["trees"]);
    }

    [Theory]
    [InlineData("oak\ttrees\noak\tgems\n", "'oak' is in two categories")]
    [InlineData("oak trees\n", ":1: expected 'word<TAB>category'")]
    [InlineData("oak\ttrees\nx\ty\tz\n", ":2: expected 'word<TAB>category'")]
    [InlineData("# nothing\n", "no 'word<TAB>category' lines")]
    public void MalformedTsvIsRefusedWithFileAndLine(string text, string message)
    {
        var path = _folder.File("bad.tsv");
        File.WriteAllText(path, text);
        var e = Assert.Throws<NeuroLensException>(() => ConceptCategories.ReadTsv(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AnEndlessLineIsRefusedWithoutReadingItAll()
    {
        var path = _folder.File("long.tsv");
        File.WriteAllText(path, new string('x', 100_000));
        Assert.Contains("longer than 4096", Assert.Throws<NeuroLensException>(() => ConceptCategories.ReadTsv(path)).Message);
    }

    [Fact]
    public void CountsWholeWordsCaseInsensitively()
    {
        var counts = ConceptCategories.BuiltIn.CountOccurrences("The Cat and the dog; a catalogue, seven cats. Red-red RED!");
        Assert.Equal(2, counts["animals"]); // "catalogue" and "cats" are other words
        Assert.Equal(1, counts["numbers"]);
        Assert.Equal(1, counts["colours"]); // "RED"; "Red-red" is one hyphenated word
        Assert.Equal(0, counts["foods"]);
    }
}
