using System.Text.RegularExpressions;
using NeuroLens.Models.Text;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Models.Tests;

public sealed class CorpusGeneratorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string[] Sentences(int seed, int n)
    {
        var g = new CorpusGenerator(seed);
        return Enumerable.Range(0, n).Select(_ => g.NextSentence()).ToArray();
    }

    private static IEnumerable<string> Words(string text) => Regex.Matches(text, "[A-Za-z]+").Select(m => m.Value.ToLowerInvariant());

    [Fact]
    public void IsDeterministicBySeed()
    {
        Assert.Equal(Sentences(3, 500), Sentences(3, 500));
        Assert.NotEqual(Sentences(3, 500), Sentences(4, 500));
    }

    [Fact]
    public void TemplatesAreManyCoverEveryCategoryAndHoldNoFixedConceptWord()
    {
        Assert.True(SentenceTemplates.WithConcepts.Length >= 40);
        var concepts = ConceptCategories.BuiltIn;
        foreach (var category in concepts.Categories)
        {
            int n = SentenceTemplates.WithConcepts.Count(t => CorpusGenerator.SlotsOf(t).Any(s => SentenceTemplates.Slots.GetValueOrDefault(s) == category));
            Assert.True(n >= 5, $"{category}: {n} templates");
        }
        foreach (var t in SentenceTemplates.WithConcepts.Concat(SentenceTemplates.WithoutConcepts))
        {
            Assert.EndsWith(".", t);
            Assert.Single(t, '.');
            string fixedText = Regex.Replace(t, "{[^}]*}", " ");
            Assert.All(Words(fixedText), w => Assert.Null(concepts.Find(w)));
            Assert.False(t.StartsWith("{a ", StringComparison.Ordinal) is false && t.StartsWith('{') && SentenceTemplates.Slots.ContainsKey(CorpusGenerator.SlotsOf(t).First()),
                $"a concept word would start (and be capitalised in) '{t}'");
        }
        var fillers = FillerVocabulary.Names.Concat(FillerVocabulary.Places).Concat(FillerVocabulary.Adjectives).Concat(FillerVocabulary.Times).Concat(FillerVocabulary.Verbs);
        Assert.All(fillers.SelectMany(Words), w => Assert.Null(concepts.Find(w)));
        Assert.Equal(FillerVocabulary.Names.Length, FillerVocabulary.Pronouns.Length);
    }

    [Fact]
    public void CategoriesAreBalancedAndWordsSeenInVariedContexts()
    {
        var concepts = ConceptCategories.BuiltIn;
        var sentences = Sentences(1, 20_000);
        var counts = concepts.CountOccurrences(string.Join(" ", sentences));
        long min = counts.Values.Min(), max = counts.Values.Max();
        Assert.True(max < 1.15 * min, $"category counts from {min} to {max}");
        // Each concept word occurs, between many different (previous word, next word) contexts.
        var contexts = new Dictionary<string, HashSet<(string, string)>>();
        foreach (var s in sentences)
        {
            var words = Words(s).ToArray();
            for (int i = 1; i < words.Length; i++)
                if (concepts.Find(words[i]) is not null)
                {
                    if (!contexts.TryGetValue(words[i], out var set)) contexts[words[i]] = set = [];
                    set.Add((words[i - 1], i + 1 < words.Length ? words[i + 1] : "."));
                }
        }
        Assert.Equal(concepts.CategoryOf.Count, contexts.Count);
        Assert.All(contexts, p => Assert.True(p.Value.Count >= 5, $"'{p.Key}' is seen in {p.Value.Count} contexts"));
        // Some sentences hold no concept word; concept words are always lower case.
        double free = sentences.Count(s => Words(s).All(w => concepts.Find(w) is null)) / (double)sentences.Length;
        Assert.InRange(free, 0.1, 0.2);
        Assert.DoesNotContain(sentences, s => Regex.Matches(s, "[A-Za-z]+").Any(m => char.IsUpper(m.Value[0]) && concepts.Find(m.Value) is not null));
    }

    [Fact]
    public void ArticlesFollowTheFirstSound()
    {
        Assert.Equal("an", CorpusGenerator.Article("elephant"));
        Assert.Equal("a", CorpusGenerator.Article("cat"));
        Assert.Equal("a", CorpusGenerator.Article("uniform"));
        Assert.Equal("a", CorpusGenerator.Article("ukulele"));
        Assert.DoesNotContain(Sentences(5, 3000), s => Regex.IsMatch(s, @"\b[Aa] [aeio]"));
    }

    [Fact]
    public void ParagraphsStopAtTheSentenceOrCharacterLimit()
    {
        var paragraphs = new CorpusGenerator(2).Paragraphs(maxSentences: 101, maxCharacters: null).ToList();
        Assert.Equal(101, paragraphs.Sum(p => p.Count(c => c == '.')));
        Assert.All(paragraphs, p => Assert.InRange(p.Count(c => c == '.'), 1, 7));
        var sized = new CorpusGenerator(2).Paragraphs(null, 50_000).ToList();
        long chars = sized.Sum(p => p.Length + 1L);
        Assert.InRange(chars, 50_000, 51_500);
    }

    [Fact]
    public void BuilderWritesTheFolderAndAnExactValidationShare()
    {
        var summary = CorpusBuilder.Make(new CorpusOptions { OutFolder = _folder.Path, Sentences = 3000, Seed = 9, ValidationFraction = 0.1, TokenizerVocab = 1000 });
        var train = File.ReadAllLines(_folder.File("train.txt"));
        var validation = File.ReadAllLines(_folder.File("validation.txt"));
        Assert.Equal(summary.TrainLines, train.Length);
        Assert.Equal(summary.ValidationLines, validation.Length);
        Assert.Equal((int)Math.Floor(0.1 * (train.Length + validation.Length)), validation.Length);
        Assert.Equal(3000, summary.Sentences);
        Assert.Equal(ConceptCategories.BuiltIn.Categories, ConceptCategories.ReadTsv(_folder.File("categories.tsv")).Categories);
        var tokenizer = TokenizerLoader.Load(_folder.Path);
        Assert.Equal(1000, tokenizer.VocabSize);
        Assert.Equal(summary.ValidationTokens, validation.Sum(l => (long)tokenizer.Encode(l + "\n", addSpecialTokens: false).Count));
        Assert.All(summary.Categories, c => Assert.True(c.Train > 0 && c.WordsSeen > 20));
        // The same seed gives the same files.
        using var again = new TempFolder();
        CorpusBuilder.Make(new CorpusOptions { OutFolder = again.Path, Sentences = 3000, Seed = 9, ValidationFraction = 0.1, TokenizerVocab = 1000 });
        Assert.Equal(File.ReadAllBytes(_folder.File("train.txt")), File.ReadAllBytes(again.File("train.txt")));
        Assert.Equal(File.ReadAllBytes(_folder.File("tokenizer.json")), File.ReadAllBytes(again.File("tokenizer.json")));
    }

    [Fact]
    public void BuilderSplitsUserFilesByLineBlocks()
    {
        var a = _folder.File("a.txt");
        File.WriteAllLines(a, Enumerable.Range(0, 95).Select(i => $"line {i} of the first file with a cat"));
        var b = _folder.File("b.txt");
        File.WriteAllLines(b, Enumerable.Range(0, 10).Select(i => $"second file line {i}"));
        var outFolder = Path.Combine(_folder.Path, "out");
        var summary = CorpusBuilder.Make(new CorpusOptions { OutFolder = outFolder, FromFiles = [a, b], ValidationFraction = 0.2, BlockLines = 20, TokenizerVocab = 300 });
        // Blocks: a → 20, 20, 20, 20, 15; b → 10. Six blocks, share 0.2: block 4 (⌊5·0.2⌋ > ⌊4·0.2⌋) is validation.
        var validation = File.ReadAllLines(Path.Combine(outFolder, "validation.txt"));
        Assert.Equal(Enumerable.Range(80, 15).Select(i => $"line {i} of the first file with a cat"), validation);
        Assert.Equal(90, summary.TrainLines);
        Assert.Equal(80, summary.Categories.Single(c => c.Category == "animals").Train);
        Assert.Null(summary.Sentences);
    }

    [Theory]
    [InlineData(0, 0.05, false)]
    [InlineData(1, 0.05, false)]
    [InlineData(2, 0.05, true)] // at least one block when there are two or more
    public void TinyCorporaStillGetAValidationBlock(int n, double f, bool expectOne)
    {
        var rule = CorpusBuilder.ValidationBlocks(n, f);
        Assert.Equal(expectOne ? 1 : 0, Enumerable.Range(0, n).Count(rule));
    }
}
