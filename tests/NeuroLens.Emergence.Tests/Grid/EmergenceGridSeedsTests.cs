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
        Assert.Equal(agreement.SeriesAgreeing, agreement.BestCellCategoriesAgreeing);
        var ranges = Enumerable.Range(0, categories).SelectMany(c => new[] { 0L, 5L }.Select(step =>
            Math.Abs(two.SeedCell("m", step, 1, 0)!.Scores[c].Score - two.SeedCell("m", step, 1, 1)!.Scores[c].Score))).ToList();
        Assert.Equal(ranges.Average(), agreement.MeanScoreRange, 1e-12);
        Assert.Equal(ranges.Max(), agreement.MaxScoreRange, 1e-12);
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

    [Fact]
    public void ReportComputesEmergenceOnTheMeanAndCountsAgreementByHand()
    {
        // One model, checkpoints 0, 10, 20, layers 0 and 1, categories X and Y, two seeds; θ = 0.5.
        string[] categories = ["X", "Y"];
        var perSeed = new Dictionary<(int Layer, int Seed), double[][]> // [category][checkpoint]
        {
            [(0, 0)] = [[0.1, 0.75, 0.7], [0.1, 0.2, 0.3]],
            [(0, 1)] = [[0.1, 0.25, 0.7], [0.1, 0.2, 0.5]],
            [(1, 0)] = [[0.2, 0.8, 0.9], [0.1, 0.1, 0.2]],
            [(1, 1)] = [[0.2, 0.6, 0.9], [0.1, 0.1, 0.2]],
        };
        long[] steps = [0, 10, 20];
        var seedCells = new List<CellResult>();
        foreach (var ((layer, seed), values) in perSeed)
            for (int i = 0; i < steps.Length; i++)
            {
                var scores = categories.Select((c, ci) => new ConceptScore(c, 10, values[ci][i], seed, 0.5, 0.5, [seed], seed == 0 ? 0.3 : 0.45, seed == 0 ? 0.01 : 0.05)).ToList();
                seedCells.Add(new CellResult("a", steps[i], layer, 100, new SaeQuality(10, 4, 0.1, seed == 0 ? 0.2 : 0.4, seed == 0 ? 0.8 : 0.6, 0.9), scores,
                    new Dictionary<string, double[]> { ["0"] = values.Select(v => v[i]).ToArray() }, 1, seed));
            }
        var means = seedCells.GroupBy(c => (c.Step, c.Layer)).Select(g => SeedAggregate.Mean(g.OrderBy(c => c.Seed).ToList())).ToList();
        var grid = new EmergenceGridResult([new GridModel("a", _folder, 1000, steps, [0, 1])], categories, means, 0) { SeedCells = seedCells, Seeds = 2 };
        var options = new EmergenceGridOptions { Models = [_folder], Concepts = ConceptSources.FromCategories(ConceptCategories.BuiltIn), Texts = ["x"], SaeSeeds = 2 };
        var report = new OutputFolder(Path.Combine(_folder, "report"));
        var summary = EmergenceReport.Write(grid, options, _folder, report, new Report("t"));

        TimeEmergence Row(int layer, string category) => summary.Time.Single(t => t.Layer == layer && t.Category == category);
        // Layer 0, X: mean 0.1, 0.5, 0.7 → s* = 10; seeds 10 and 20 disagree.
        Assert.Equal(10L, Row(0, "X").EmergenceStep);
        Assert.Equal([10L, 20L], Row(0, "X").SeedEmergenceSteps!);
        // Layer 0, Y: mean final 0.4 → not emerged; seed 1 emerges at 20.
        Assert.Null(Row(0, "Y").EmergenceStep);
        Assert.Equal([null, 20L], Row(0, "Y").SeedEmergenceSteps!);
        // Significance of the mean: above every seed's null quantile (0.3 and 0.45); p the larger p.
        Assert.False(Row(0, "Y").SignificantFinal);  // 0.4 > 0.3 but not > 0.45
        Assert.True(Row(1, "X").SignificantFinal);   // 0.9
        Assert.Equal(0.05, Row(1, "X").PValueFinal);
        Assert.Equal(0.3, Row(1, "X").FvuFinal, 1e-12);
        // Layer 1: X 10 and 10 agree with the mean's 10; Y never emerges.
        Assert.Equal(10L, Row(1, "X").EmergenceStep);
        Assert.True(Row(1, "X").SeedsAgree);
        Assert.True(Row(1, "Y").SeedsAgree);

        var agreement = summary.SeedAgreement!;
        Assert.Equal(4, agreement.Series);
        Assert.Equal(2, agreement.SeriesAgreeing);
        Assert.Equal(2, agreement.EmergedSeries);           // X at both layers
        Assert.Equal(1, agreement.EmergedSeriesAgreeing);   // X at layer 1
        Assert.Equal(0, agreement.CategoriesAgreeing);      // X disagrees at layer 0, Y at layer 0
        Assert.Equal(1, agreement.BestCellCategoriesAgreeing); // X's best cell is layer 1 (0.9), Y's layer 0 (0.4)
        Assert.Equal((0.5 + 0.2 + 0.2) / 12, agreement.MeanScoreRange, 1e-12);
        Assert.Equal(0.5, agreement.MaxScoreRange, 1e-12);

        var rows = ReadCsv(report.GetPath("emergence.csv"));
        var x0 = rows.Single(r => r["layer"] == "0" && r["category"] == "X");
        Assert.Equal("10;20", x0["emergence_step_per_seed"]);
        Assert.Equal("false", x0["seeds_agree"]);
        Assert.Equal("0.7", x0["score_final_min"]);
        var y0 = rows.Single(r => r["layer"] == "0" && r["category"] == "Y");
        Assert.Equal("none;20", y0["emergence_step_per_seed"]);
        Assert.Equal("not emerged", y0["emergence_step"]);
        var sensitivity = ReadCsv(report.GetPath("sensitivity.csv"));
        Assert.Equal("10", sensitivity.Single(r => r["layer"] == "0" && r["category"] == "X" && r["theta"] == "0.5")["emergence_step"]);
        var quality = ReadCsv(report.GetPath("quality.csv"));
        Assert.Equal(12, quality.Count); // one row per SAE: 3 checkpoints × 2 layers × 2 seeds
        Assert.Equal("0.4", quality.Single(r => r["step"] == "20" && r["layer"] == "1" && r["seed"] == "1")["fvu"]);
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
