using NeuroLens.Core;
using NeuroLens.Emergence.Concepts;
using NeuroLens.Models.Text;

namespace NeuroLens.Emergence.Tests.Concepts;

public sealed class ConceptSourcesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nl-wordnet").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    /// <summary>A tiny database in WordNet 3.0's data/index format (licence header lines start with two spaces).</summary>
    private void WriteTinyWordNet()
    {
        File.WriteAllLines(Path.Combine(_folder, "data.noun"),
        [
            "  1 This software and database is being provided to you, the LICENSEE, by",
            "  2 Princeton University under the following license.",
            "00001740 03 n 01 entity 0 001 ~ 00002084 n 0000 | that which is perceived",
            "00002084 05 n 02 animal 0 beast 0 003 @ 00001740 n 0000 ~ 00003000 n 0000 ~i 00004000 n 0000 | a living organism",
            "00003000 05 n 02 dog 0 domestic_dog 0 001 @ 00002084 n 0000 | a member of the genus Canis",
            "00004000 05 n 01 sea_lion 0 000 | an eared seal",
            "00005000 13 n 01 apple 0 000 | fruit with red or yellow skin",
        ]);
        File.WriteAllLines(Path.Combine(_folder, "index.noun"),
        [
            "  1 This software and database is being provided to you, the LICENSEE, by",
            "animal n 1 2 @ ~ 1 0 00002084",
            "apple n 1 0 1 0 00005000",
            "dog n 1 1 @ 1 0 00003000",
            "entity n 1 1 ~ 1 0 00001740",
        ]);
    }

    [Fact]
    public void WordNetLexicographerCategoriesComeFromTheLexFileNumbers()
    {
        WriteTinyWordNet();
        var set = ConceptSources.Open($"wordnet:{_folder}:noun.animal,noun.food");
        Assert.Equal(["noun.animal", "noun.food"], set.Categories);
        Assert.Equal(["animal", "beast", "dog", "domestic dog", "sea lion"], set.Words[0].Order());
        Assert.Equal(["apple"], set.Words[1]);
        Assert.Equal(2, set.MaxPhraseWords);
        // No list: every noun lexicographer category that has words.
        Assert.Equal(["noun.Tops", "noun.animal", "noun.food"], ConceptSources.Open($"wordnet:{_folder}").Categories);
    }

    [Fact]
    public void WordNetSynsetCategoriesAreHyponymClosures()
    {
        WriteTinyWordNet();
        var set = WordNetConcepts.Load(_folder, ["animal.n.01", "entity.n.01", "dog.n.01"]);
        Assert.Equal(["animal", "beast", "dog", "domestic dog", "sea lion"], set.Words[0].Order());
        Assert.Equal(["animal", "beast", "dog", "domestic dog", "entity", "sea lion"], set.Words[1].Order());
        Assert.Equal(["dog", "domestic dog"], set.Words[2].Order());
        Assert.Throws<NeuroLensException>(() => WordNetConcepts.Load(_folder, ["dog.n.02"]));
        Assert.Throws<NeuroLensException>(() => WordNetConcepts.Load(_folder, ["nonsense"]));
    }

    [Fact]
    public void BuiltInConceptsAreTheCorpusGeneratorsCategories()
    {
        var set = ConceptSources.Open("built-in");
        Assert.Equal(ConceptCategories.BuiltIn.Categories, set.Categories);
        Assert.Equal(ConceptCategories.BuiltIn.WordsOf[set.Categories[0]], set.Words[0]);
    }

    [Fact]
    public void UserTsvFilesAreRead()
    {
        var path = Path.Combine(_folder, "mine.tsv");
        File.WriteAllText(path, "word\tcategory\nRed\tcolour\nblue\tcolour\nfig\tfruit\n");
        var set = ConceptSources.Open(path);
        Assert.Equal(["colour", "fruit"], set.Categories);
        Assert.Equal(["red", "blue"], set.Words[0]);
        Assert.Throws<NeuroLensException>(() => ConceptSources.Open(Path.Combine(_folder, "missing.tsv")));
    }
}
