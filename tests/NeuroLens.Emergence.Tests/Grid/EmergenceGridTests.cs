using NeuroLens.Core.Reports;
using NeuroLens.Emergence.Concepts;
using NeuroLens.Emergence.Grid;
using NeuroLens.Emergence.Sae;
using NeuroLens.Models.GptNeoX;
using NeuroLens.Models.Text;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Tests.Grid;

public sealed class EmergenceGridTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nl-grid").FullName;

    public EmergenceGridTests() => TorchThreads.UseOne();

    public void Dispose() => Directory.Delete(_folder, true);

    /// <summary>A fake run: checkpoints/step0 and step5 of a tiny GPT-NeoX (two random initialisations) with a BPE tokenizer.</summary>
    private string FakeRun(string name, int hidden, IReadOnlyList<string> texts)
    {
        var bpe = BpeTrainer.TrainTexts(texts, 400, [BpeTrainer.EndOfText]);
        var run = Path.Combine(_folder, name);
        foreach (int step in new[] { 0, 5 })
        {
            manual_seed(step + hidden);
            using var model = new GptNeoXModel(new GptNeoXConfig(bpe.VocabSize, hidden, 2, 2, 2 * hidden, MaxPositionEmbeddings: 64));
            var folder = Path.Combine(run, "checkpoints", $"step{step}");
            model.Save(folder);
            TokenizerJson.WriteFolder(bpe, folder, BpeTrainer.EndOfText, 64);
        }
        return run;
    }

    [Fact]
    public void GridRunsEveryCellOnceAndResumes()
    {
        var generator = new CorpusGenerator(3);
        var texts = Enumerable.Range(0, 60).Select(_ => generator.NextSentence()).ToList();
        var small = FakeRun("small", 16, texts);
        var large = FakeRun("large", 32, texts);
        var options = new EmergenceGridOptions
        {
            Models = [large, small], Concepts = ConceptSources.FromCategories(ConceptCategories.BuiltIn), Texts = texts, MaxTokens = 600,
            Sae = new SaeTrainingOptions { LatentsPerInput = 4, K = 4, BatchSize = 64, Epochs = 1, BufferSize = 256 },
            Matching = new MatchingOptions { Permutations = 5 }, CeSequences = 4, SensitivityTaus = [0.5],
        };
        var outFolder = Path.Combine(_folder, "grid");
        var result = EmergenceGrid.Run(options, outFolder);
        Assert.Equal(["small", "large"], result.Models.Select(m => m.Name)); // ordered by size
        Assert.Equal(8, result.Cells.Count);                                   // 2 models × 2 checkpoints × 2 layers
        Assert.Equal(8, result.CellsRun);
        var cell = result.Cell("small", 5, 1)!;
        Assert.Equal(options.Concepts.Categories.Count, cell.Scores.Count);
        Assert.InRange(cell.Quality.L0, 0, 4);
        Assert.False(double.IsNaN(cell.Quality.CeLossRecovered));
        Assert.Equal(2, cell.ScoresByTau.Count);
        Assert.True(File.Exists(Path.Combine(EmergenceGrid.CellFolder(outFolder, "small", 5, 1), "sae", "cfg.json")));

        // A second run finds every cell done and computes none; the results are the same.
        var again = EmergenceGrid.Run(options, outFolder);
        Assert.Equal(0, again.CellsRun);
        Assert.Equal(cell.Scores.Select(s => s.Score), again.Cell("small", 5, 1)!.Scores.Select(s => s.Score));

        // A retrained checkpoint under the same name and step makes its cells and cache stale: only they are recomputed.
        Thread.Sleep(20);
        manual_seed(99);
        using (var retrained = new GptNeoXModel(new GptNeoXConfig(BpeTrainer.TrainTexts(texts, 400, [BpeTrainer.EndOfText]).VocabSize, 16, 2, 2, 32, MaxPositionEmbeddings: 64)))
            retrained.Save(Path.Combine(small, "checkpoints", "step5"));
        Assert.Equal(2, EmergenceGrid.Run(options, outFolder).CellsRun);

        var reportFolder = new OutputFolder(Path.Combine(_folder, "report"));
        var summary = EmergenceReport.Write(again, options, outFolder, reportFolder, new Report("t"));
        Assert.Equal(2 * 2 * options.Concepts.Categories.Count, summary.Time.Count);
        foreach (var file in new[] { "emergence.csv", "scores.csv", "quality.csv", "sensitivity.csv", "reactivations.csv", "size-thresholds.csv", "time-small-layer0.png", "space-large.png", "scale-layer1.png" })
            Assert.True(File.Exists(reportFolder.GetPath(file)), file);
    }

    [Fact]
    public void DashboardShowsTopContextsAndPrecisionRecall()
    {
        var bpe = BpeTrainer.TrainTexts(["the cat sat on the red mat", "a dog ran"], 300, [BpeTrainer.EndOfText]);
        int[][] sequences = [bpe.Tokenize("the cat sat").Select(t => t.Id).ToArray()];
        var tokens = Enumerable.Range(0, sequences[0].Length).Select(p => new NeuroLens.Models.Capture.CapturedToken(0, p, sequences[0][p])).ToArray();
        var activations = new float[tokens.Length];
        activations[1] = 2.5f;
        var score = new ConceptScore("animal", 1, 1.0, 7, 1.0, 1.0, [7], 0.1, 0.01);
        var html = FeatureDashboard.Render("latent 7", score, activations, tokens, sequences, bpe);
        Assert.Contains("animal", html);
        Assert.Contains("2.50", html);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(bpe.Decode([sequences[0][1]])), html);
        Assert.Contains("<svg", html);
    }
}
