using System.Globalization;
using NeuroLens.Core.Reports;
using NeuroLens.Emergence.Activations;
using NeuroLens.Emergence.Concepts;
using NeuroLens.Emergence.Grid;
using NeuroLens.Emergence.Sae;
using NeuroLens.Models.Capture;
using NeuroLens.Models.GptNeoX;
using NeuroLens.Models.Text;
using NeuroLens.Models.Tokenizers;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Tests.Grid;

/// <summary>The "several SAE seeds" control of the grid (emergence.md §5).</summary>
public sealed class EmergenceGridSeedsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nl-seeds").FullName;

    public EmergenceGridSeedsTests() => TorchThreads.UseOne();

    public void Dispose() => Directory.Delete(_folder, true);

    private (string Run, List<string> Texts) FakeRun()
    {
        var generator = new CorpusGenerator(5);
        var texts = Enumerable.Range(0, 60).Select(_ => generator.NextSentence()).ToList();
        var bpe = BpeTrainer.TrainTexts(texts, 400, [BpeTrainer.EndOfText]);
        var run = Path.Combine(_folder, "m");
        foreach (int step in new[] { 0, 5 })
        {
            manual_seed(step + 7);
            using var model = new GptNeoXModel(new GptNeoXConfig(bpe.VocabSize, 16, 2, 2, 32, MaxPositionEmbeddings: 64));
            var folder = Path.Combine(run, "checkpoints", $"step{step}");
            model.Save(folder);
            TokenizerJson.WriteFolder(bpe, folder, BpeTrainer.EndOfText, 64);
        }
        return (run, texts);
    }

    private static EmergenceGridOptions Options(string run, List<string> texts, int seeds) => new()
    {
        Models = [run], Layers = [1], Concepts = ConceptSources.FromCategories(ConceptCategories.BuiltIn), Texts = texts, MaxTokens = 600,
        Sae = new SaeTrainingOptions { LatentsPerInput = 4, K = 4, BatchSize = 64, Epochs = 1, BufferSize = 256, Seed = 3 },
        Matching = new MatchingOptions { Permutations = 5 }, CeSequences = 0, SensitivityTaus = [], SaeSeeds = seeds,
    };

    [Fact]
    public void SeedsTrainDifferentSaesScoredEachOnItsOwnAndResumeSkipsDoneSeeds()
    {
        var (run, texts) = FakeRun();
        var outFolder = Path.Combine(_folder, "grid");
        var one = EmergenceGrid.Run(Options(run, texts, 1), outFolder);
        Assert.Equal(2, one.CellsRun);
        Assert.Equal(1, one.Seeds);

        // Asking for two seeds afterwards trains only seed 1 of each cell; seed 0 is the one-seed run's, untouched.
        var options = Options(run, texts, 2);
        var two = EmergenceGrid.Run(options, outFolder);
        Assert.Equal(2, two.CellsRun);
        Assert.Equal(2, two.Seeds);
        Assert.Equal(2, two.Cells.Count);
        Assert.Equal(4, two.SeedCells.Count);
        foreach (long step in new long[] { 0, 5 })
            Assert.Equal(one.Cell("m", step, 1)!.Scores.Select(s => s.Score), two.SeedCell("m", step, 1, 0)!.Scores.Select(s => s.Score));
        Assert.True(File.Exists(Path.Combine(EmergenceGrid.CellFolder(outFolder, "m", 5, 1), "seed1", "cell.json")));
        Assert.Equal(0, EmergenceGrid.Run(options, outFolder).CellsRun);

        // The seeds' SAEs differ (different initialisation and batch order on the same activations).
        var (sae0, _) = SaeFiles.Read(Path.Combine(EmergenceGrid.CellFolder(outFolder, "m", 5, 1, 0), "sae"));
        var (sae1, _) = SaeFiles.Read(Path.Combine(EmergenceGrid.CellFolder(outFolder, "m", 5, 1, 1), "sae"));
        using (sae0)
        using (sae1)
        using (var difference = sae0.WDec.detach().sub(sae1.WDec.detach()).abs().max())
            Assert.True(difference.item<float>() > 0.05f, "the two seeds' decoders should differ");

        // Each seed's S_c equals max_j F1 computed by hand from that seed's SAE on the cached activations.
        var checkpoint = Path.Combine(run, "checkpoints", "step5");
        var tokenizer = TokenizerLoader.Load(checkpoint, 64);
        var labels = EmergenceGrid.Prepare(texts, tokenizer, 64, options.Concepts, false).Labels;
        using var capture = CaptureSet.Open(Path.Combine(outFolder, "cache", "m", "step5"));
        var tokens = capture.ReadAllTokens();
        int categories = options.Concepts.Categories.Count;
        var perSeed = new double[2][];
        for (int seed = 0; seed < 2; seed++)
        {
            perSeed[seed] = HandScores(Path.Combine(EmergenceGrid.CellFolder(outFolder, "m", 5, 1, seed), "sae"), capture, tokens, labels, categories);
            var cell = two.SeedCell("m", 5, 1, seed)!;
            for (int c = 0; c < categories; c++) Assert.Equal(perSeed[seed][c], cell.Scores[c].Score, 1e-9);
        }
        Assert.NotEqual(perSeed[0], perSeed[1]);

        // The cell's statistic is the mean over seeds; scores.csv also gives the min and max, seeds.csv every seed.
        var mean = two.Cell("m", 5, 1)!;
        Assert.Equal(-1, mean.Seed);
        var report = new OutputFolder(Path.Combine(_folder, "report"));
        var summary = EmergenceReport.Write(two, options, outFolder, report, new Report("t"));
        var rows = ReadCsv(report.GetPath("scores.csv"));
        for (int c = 0; c < categories; c++)
        {
            double hand = (perSeed[0][c] + perSeed[1][c]) / 2;
            Assert.Equal(hand, mean.Scores[c].Score, 1e-12);
            var row = rows.Single(r => r["step"] == "5" && r["category"] == options.Concepts.Categories[c]);
            Assert.Equal(hand, double.Parse(row["score"], CultureInfo.InvariantCulture), 1e-12);
            Assert.Equal(Math.Min(perSeed[0][c], perSeed[1][c]), double.Parse(row["score_min"], CultureInfo.InvariantCulture), 1e-12);
            Assert.Equal(Math.Max(perSeed[0][c], perSeed[1][c]), double.Parse(row["score_max"], CultureInfo.InvariantCulture), 1e-12);
            Assert.Equal("2", row["seeds"]);
            // Significant only above every seed's null quantile; p the larger of the seeds'.
            var seeds = new[] { two.SeedCell("m", 5, 1, 0)!.Scores[c], two.SeedCell("m", 5, 1, 1)!.Scores[c] };
            Assert.Equal(hand > seeds.Max(s => s.NullQuantile), mean.Scores[c].Significant);
            Assert.Equal(seeds.Max(s => s.PValue), mean.Scores[c].PValue);
        }
        var seedRows = ReadCsv(report.GetPath("seeds.csv"));
        Assert.Equal(2 * 2 * categories, seedRows.Count);
        Assert.Equal(perSeed[1][0], double.Parse(seedRows.Single(r => r["step"] == "5" && r["seed"] == "1" && r["category"] == options.Concepts.Categories[0])["score"],
            CultureInfo.InvariantCulture), 1e-12);
        Assert.Equal("4", seedRows.First(r => r["seed"] == "1")["sae_seed"]);

        // s*_c per seed is the emergence index of that seed's own series; the agreement counts follow from them.
        Assert.Equal(categories, summary.Time.Count);
        foreach (var t in summary.Time)
        {
            int c = options.Concepts.Categories.ToList().IndexOf(t.Category);
            for (int seed = 0; seed < 2; seed++)
            {
                var series = new[] { 0L, 5L }.Select(step => two.SeedCell("m", step, 1, seed)!.Scores[c].Score).ToList();
                long? expected = series[1] < options.Theta ? null : series[0] >= options.Theta ? 0 : 5;
                Assert.Equal(expected, t.SeedEmergenceSteps![seed]);
            }
        }
        var agreement = summary.SeedAgreement!;
        Assert.Equal(summary.Time.Count(t => t.SeedEmergenceSteps![0] == t.SeedEmergenceSteps[1]), agreement.SeriesAgreeing);
        Assert.Equal(categories, agreement.Categories);
        Assert.Equal(agreement.SeriesAgreeing, agreement.CategoriesAgreeing); // one (model, layer): a category agrees when its one series does
        Assert.Contains("agrees across the 2 SAE seeds", agreement.Describe());
    }

    [Fact]
    public void OneSeedGivesThePreviousOutputs()
    {
        var (run, texts) = FakeRun();
        var options = Options(run, texts, 1);
        var grid = EmergenceGrid.Run(options, Path.Combine(_folder, "grid"));
        Assert.Same(grid.Cells, grid.SeedCells);
        Assert.All(grid.Cells, c => Assert.Equal(0, c.Seed));
        Assert.Same(grid.Cells[0], SeedAggregate.Mean([grid.Cells[0]]));
        var report = new OutputFolder(Path.Combine(_folder, "report"));
        var summary = EmergenceReport.Write(grid, options, Path.Combine(_folder, "grid"), report, new Report("t"));
        Assert.Null(summary.SeedAgreement);
        Assert.False(File.Exists(report.GetPath("seeds.csv")));
        // The one-seed tables keep their columns, and their values are the single SAE's.
        Assert.Equal("model,step,layer,category,score,best_latent,precision,recall,null_quantile,p_value,significant", File.ReadLines(report.GetPath("scores.csv")).First());
        Assert.Equal("model,step,layer,tokens,l0,dead_fraction,fvu,explained_variance,cosine,ce_loss_recovered", File.ReadLines(report.GetPath("quality.csv")).First());
        Assert.Equal("model,layer,category,score_step0,score_final,emergence_step,significant_final,p_value_final,fvu_final,l0_final", File.ReadLines(report.GetPath("emergence.csv")).First());
        var rows = ReadCsv(report.GetPath("scores.csv"));
        var cell = grid.Cell("m", 5, 1)!;
        foreach (var s in cell.Scores)
        {
            var row = rows.Single(r => r["step"] == "5" && r["category"] == s.Category);
            Assert.Equal(s.Score, double.Parse(row["score"], CultureInfo.InvariantCulture), 1e-15);
            Assert.Equal(s.BestLatent.ToString(CultureInfo.InvariantCulture), row["best_latent"]);
        }
    }

    /// <summary>max_j F1_jc at τ = 0 by counting, from the SAE in <paramref name="saeFolder"/>.</summary>
    private static double[] HandScores(string saeFolder, CaptureSet capture, CapturedToken[] tokens, List<IReadOnlyList<int>[]> labels, int categories)
    {
        var (sae, _) = SaeFiles.Read(saeFolder);
        using (sae)
        {
            var active = new List<bool[]>();
            foreach (var chunk in new CaptureActivationSource(capture[CaptureSite.ResidPostName(1)]).ReadChunks())
            {
                using (chunk)
                using (var encoded = sae.Encode(chunk))
                using (var codes = encoded.contiguous())
                {
                    var values = codes.data<float>().ToArray();
                    int n = (int)codes.shape[1];
                    for (int r = 0; r < codes.shape[0]; r++) active.Add(Enumerable.Range(0, n).Select(j => values[r * n + j] > 0).ToArray());
                }
            }
            Assert.Equal(tokens.Length, active.Count);
            var scores = new double[categories];
            for (int c = 0; c < categories; c++)
            {
                var labelled = tokens.Select(t => labels[(int)t.Text][t.Position].Contains(c)).ToArray();
                int positives = labelled.Count(x => x);
                for (int j = 0; j < sae.Latents; j++)
                {
                    int fires = 0, both = 0;
                    for (int r = 0; r < tokens.Length; r++)
                    {
                        if (!active[r][j]) continue;
                        fires++;
                        if (labelled[r]) both++;
                    }
                    if (both > 0) scores[c] = Math.Max(scores[c], 2.0 * both / (fires + positives));
                }
            }
            return scores;
        }
    }

    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }
}
