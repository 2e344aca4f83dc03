using System.Diagnostics;
using System.Globalization;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Reproduction;
using NeuroLens.Emergence.Concepts;
using NeuroLens.Emergence.Grid;
using NeuroLens.Emergence.Sae;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Text;
using NeuroLens.Models.Training;

namespace NeuroLens.Emergence;

/// <summary>
/// <c>neurolens reproduce emergence</c> (emergence.md §7): trains (or reuses from the cache folder) a suite
/// of three small GPT-NeoX models on the built-in template corpus, whose sentences mention the built-in
/// concept categories, with Pythia-like log-spaced checkpoints; trains TopK SAEs with two seeds (more with
/// <c>--scale</c>: round(2·√scale), at least 2) per (size, checkpoint, layer) cell; matches latents to the built-in categories with the shuffled-label null; and reports the
/// heatmaps and emergence tables, computed on the mean S_c over the SAE seeds, with the per-seed agreement of s*_c.
/// The spatial analysis also runs on the real MiniLM encoder (one SAE seed per layer).
/// </summary>
public sealed class EmergenceReproduction : IStudyReproduction
{
    /// <summary>Where the trained model suite is cached (null: <c>{ModelLocator.DefaultCacheRoot}/emergence-suite</c>).</summary>
    public string? SuiteCache { get; init; }

    /// <summary>Whether to include the MiniLM spatial analysis.</summary>
    public bool IncludeMiniLm { get; init; } = true;

    /// <inheritdoc />
    public string Name => "emergence";

    /// <inheritdoc />
    public string Title => "Emergence: concepts across time, space and scale";

    /// <summary>The suite's sizes: name, width, layers, heads.</summary>
    private static readonly (string Name, int Hidden, int Layers, int Heads)[] Sizes =
        [("neox-w32", 32, 2, 2), ("neox-w48", 48, 2, 2), ("neox-w64", 64, 2, 2)];

    /// <inheritdoc />
    public object Run(ReproductionContext context, Report report, IProgress<ProgressUpdate> progress)
    {
        double scale = Math.Max(0.1, context.Scale);
        int seed = (int)context.Seed;
        int steps = (int)Math.Round(512 * scale);
        int sentences = (int)Math.Round(12000 * scale);
        var suite = SuiteCache ?? Path.Combine(ModelLocator.DefaultCacheRoot, "emergence-suite",
            $"s{seed}-x{scale.ToString("R", CultureInfo.InvariantCulture)}-v4096");
        Directory.CreateDirectory(suite);

        // The corpus: template sentences over the built-in categories (the generator's own seed stream).
        var corpus = Path.Combine(suite, "corpus.txt");
        if (!File.Exists(corpus))
        {
            var generator = new CorpusGenerator(seed);
            Core.IO.AtomicFile.WriteAllText(corpus, string.Join('\n', generator.Paragraphs(sentences, null)) + "\n");
        }

        // Every tensor here is small (the suite's [16 × 64 tokens, ≤ 64] activations, SAEs of ≤ 256 latents; MiniLM's
        // [16 × ≤ 64 tokens, 384] batches and 1,536-latent SAEs): splitting each operation over intra-op threads costs more
        // than it gains, and on a shared machine the waiting threads' spinning made it 5-30 times slower (docs/emergence.md,
        // "Threads"). The reproduction therefore runs on one intra-op thread whatever --threads says (the same numbers for
        // every thread count), and restores the setting afterwards.
        int threads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(1);
        try
        {
            return RunSuite(context, report, progress, scale, seed, steps, sentences, corpus, suite);
        }
        finally
        {
            TorchSharp.torch.set_num_threads(threads);
        }
    }

    private object RunSuite(ReproductionContext context, Report report, IProgress<ProgressUpdate> progress, double scale, int seed, int steps,
        int sentences, string corpus, string suite)
    {
        var watch = Stopwatch.StartNew();
        var modelFolders = new List<string>();
        foreach (var (name, hidden, layers, heads) in Sizes)
        {
            var folder = Path.Combine(suite, name);
            modelFolders.Add(folder);
            if (File.Exists(Path.Combine(folder, "checkpoints", $"step{steps}", "config.json"))) continue;
            if (Directory.Exists(folder)) Directory.Delete(folder, true);
            var options = new LmTrainingOptions
            {
                Preset = new LmPreset(name, hidden, layers, heads, 64),
                Steps = steps, BatchSize = 16, Context = 64, LearningRate = 3e-3, WarmupSteps = Math.Max(1, steps / 20),
                MinLearningRate = 3e-4, CheckpointEvery = steps, Seed = seed, MaxValidationWindows = 4,
            };
            progress.Report(new ProgressUpdate($"emergence: training {name}", 0, steps, "steps"));
            // 4096 tokens (the corpus command's default) keep most category words whole; with 1024 many split into
            // pieces, and a latent that fires on one piece of every word cannot reach the recall that S_c ≥ θ needs.
            LmTrainingRun.Run([corpus], null, 4096, options, folder);
        }
        context.Timings.Add("emergence: model suite", watch.Elapsed.TotalSeconds);

        // Evaluation texts: fresh sentences from another seed.
        var evaluation = new CorpusGenerator(seed + 1);
        var texts = Enumerable.Range(0, (int)Math.Round(1500 * Math.Sqrt(scale))).Select(_ => evaluation.NextSentence()).ToList();
        var concepts = ConceptSources.FromCategories(ConceptCategories.BuiltIn);
        var all = CheckpointSchedule.Steps(steps, steps);
        // Log-spaced checkpoints: 0, 4, 16, 64, 256, … and the last.
        var chosen = all.Where(s => s == 0 || s == steps || (s >= 4 && (s & (s - 1)) == 0 && Math.Log2(s) % 2 == 0)).ToList();
        var gridOptions = new EmergenceGridOptions
        {
            Models = modelFolders,
            Checkpoints = string.Join(',', chosen),
            Concepts = concepts,
            Texts = texts,
            MaxTokens = (long)Math.Round(20000 * Math.Sqrt(scale)),
            // Few latents (4 × width, k = 4): with 16 × width a TopK SAE of these small models splits concepts into
            // per-word latents, and no single latent covers a category.
            Sae = new SaeTrainingOptions { LatentsPerInput = 4, K = 4, BatchSize = 256, Epochs = 4, BufferSize = 8192, Seed = seed },
            Matching = new MatchingOptions { Permutations = 100, Seed = seed },
            CeSequences = 32,
            // The "several SAE seeds" control: the tables use the mean S_c over seeds, seeds.csv and the agreement line each seed's.
            SaeSeeds = Math.Max(2, (int)Math.Round(2 * Math.Sqrt(scale))),
        };
        var gridFolder = context.Folder.GetPath("emergence");
        watch.Restart();
        var grid = EmergenceGrid.Run(gridOptions, gridFolder, progress);
        context.Timings.Add("emergence: grid", watch.Elapsed.TotalSeconds);

        report.Paragraph($"Three GPT-NeoX models (widths {string.Join(", ", Sizes.Select(s => s.Hidden))}, {Sizes[0].Layers} blocks) trained for {steps} steps on " +
            $"{sentences} template sentences mentioning the {concepts.Categories.Count} built-in categories; checkpoints {string.Join(", ", chosen)}. " +
            $"{gridOptions.SaeSeeds} TopK SAEs (4× latents, k = 4; SAE seeds {seed}–{seed + gridOptions.SaeSeeds - 1}) per (model, checkpoint, layer) on resid_post over {gridOptions.MaxTokens} tokens of fresh sentences; " +
            $"S_c = max F1 over latents at τ = 0, with a {gridOptions.Matching.Permutations}-permutation shuffled-label null per SAE; θ = {gridOptions.Theta}. " +
            "The tables and heatmaps use the mean S_c over the SAE seeds (significant when above every seed's null quantile); seeds.csv has every seed's S_c. " +
            "Everything runs on one intra-op torch thread, whatever --threads says: these tensors are too small to split.");
        var summary = EmergenceReport.Write(grid, gridOptions, gridFolder, new OutputFolder(gridFolder), report);
        var dashboards = FeatureDashboard.WriteAll(grid, gridOptions, gridFolder, gridFolder, contexts: 15);
        report.Paragraph(summary.EmergedCategories.Count > 0
            ? $"Categories that rise from their step-0 level to S_c ≥ θ and are significant against the shuffled null at the end: {string.Join(", ", summary.EmergedCategories)}."
            : "No category rose from its step-0 level to S_c ≥ θ with significance at the end.");
        report.Paragraph($"{dashboards.Count} feature dashboards (top contexts, histogram, P/R) under emergence/dashboards/.");

        object? miniLm = null;
        if (IncludeMiniLm)
        {
            watch.Restart();
            var folder = ModelLocator.Resolve("minilm");
            var spaceOptions = gridOptions with
            {
                Models = [folder], Checkpoints = "all", MaxTokens = (long)Math.Round(12000 * Math.Sqrt(scale)),
                Sae = gridOptions.Sae with { Latents = 4 * 384, K = 16, Epochs = 3 }, CeSequences = 0, SaeSeeds = 1,
            };
            var spaceFolder = context.Folder.GetPath("emergence-minilm");
            var space = EmergenceGrid.Run(spaceOptions, spaceFolder, progress);
            report.Heading("MiniLM across layers", 3);
            var spaceSummary = EmergenceReport.Write(space, spaceOptions, spaceFolder, new OutputFolder(spaceFolder), new Report("minilm"));
            var matrix = new double[space.Models[0].Layers.Count, concepts.Categories.Count];
            foreach (var cell in space.Cells)
                for (int c = 0; c < concepts.Categories.Count; c++) matrix[cell.Layer, c] = cell.Scores[c].Score;
            var figure = Plots.Heatmap(matrix, new PlotOptions { Title = "S_c per layer: MiniLM (all-MiniLM-L6-v2)", XLabel = "category", YLabel = "layer", Width = 900, Height = 360 },
                space.Models[0].Layers.Select(l => $"resid_post[{l}]").ToList(), concepts.Categories, "S_c");
            context.Folder.WriteFigure("emergence-minilm-space.png", figure);
            report.Figure(figure, "emergence-minilm-space.png", "S_c per layer and built-in category for the real MiniLM encoder (one SAE per layer).");
            report.Paragraph(spaceSummary.Reactivations.Count == 0 ? "No reactivation over MiniLM's layers." :
                $"Reactivations over MiniLM's layers: {string.Join("; ", spaceSummary.Reactivations.Select(r => $"{r.Category} {r.Reactivation.Layer1}→{r.Reactivation.Layer2}→{r.Reactivation.Layer3} (decoder cosine {r.Reactivation.DecoderCosine:F2})"))}.");
            context.Timings.Add("emergence: MiniLM", watch.Elapsed.TotalSeconds);
            miniLm = new { cells = space.Cells.Count, reactivations = spaceSummary.Reactivations };
        }
        return new { suite, steps, checkpoints = chosen, saeSeeds = gridOptions.SaeSeeds, summary.EmergedCategories, summary.Cells, summary.CellsRun, summary.SeedAgreement,
            summary.Reactivations, dashboards = dashboards.Count, minilm = miniLm };
    }
}
