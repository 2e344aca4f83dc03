using System.CommandLine;
using System.Globalization;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using NeuroLens.Emergence.Concepts;
using NeuroLens.Emergence.Grid;
using NeuroLens.Emergence.Sae;
using NeuroLens.Models.Text;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens emerge</c>: the emergence grid over (model size, checkpoint, layer).</summary>
internal static class EmergeCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var models = new Option<string[]>("--models") { Description = "Model folders, one per size (lm train runs, folders of step{N} checkpoints, or single models).", Required = true, AllowMultipleArgumentsPerToken = true, HelpName = "DIR" };
        var checkpoints = new Option<string>("--checkpoints") { Description = "all, or a comma-separated list of steps.", DefaultValueFactory = _ => "all" };
        var layers = new Option<string>("--layers") { Description = "all, or a comma-separated list of blocks (site resid_post[ℓ]).", DefaultValueFactory = _ => "all" };
        var concepts = new Option<string>("--concepts") { Description = "built-in, a word<TAB>category TSV, or wordnet:FOLDER[:CATEGORIES].", DefaultValueFactory = _ => "built-in" };
        var data = new Option<string?>("--data") { Description = "Evaluation text, one sequence per line (default: 2000 generated sentences over the built-in categories).", HelpName = "TEXT" };
        var maxTokens = new Option<long>("--max-tokens") { Description = "Tokens captured per checkpoint.", DefaultValueFactory = _ => 50_000 };
        var expansion = new Option<int>("--expansion") { Description = "Latents per input dimension.", DefaultValueFactory = _ => 16 };
        var k = new Option<int>("--k") { Description = "Active latents per token.", DefaultValueFactory = _ => 16 };
        var architecture = new Option<string>("--architecture") { Description = "topk, batchtopk or relu.", DefaultValueFactory = _ => "topk" };
        var epochs = new Option<int>("--epochs") { Description = "SAE passes over each cell's activations.", DefaultValueFactory = _ => 4 };
        var theta = new Option<double>("--theta") { Description = "θ: S_c ≥ θ counts as present.", DefaultValueFactory = _ => 0.5 };
        var delta = new Option<double>("--delta") { Description = "δ: reactivation margin.", DefaultValueFactory = _ => 0.1 };
        var tau = new Option<double>("--tau") { Description = "τ: activation threshold.", DefaultValueFactory = _ => 0.0 };
        var permutations = new Option<int>("--permutations") { Description = "Shuffled-label permutations per cell.", DefaultValueFactory = _ => 100 };
        var saeSeeds = new Option<int>("--sae-seeds") { Description = "SAEs per cell, seeds --seed, --seed + 1, …, on the same activations; the tables use the mean S_c over seeds, seeds.csv every seed's.", DefaultValueFactory = _ => 1 };
        var command = new Command("emerge", "Trains one SAE per (model, checkpoint, layer) cell, scores concepts, and reports emergence over time, layers and scale. Resumable: finished cells are kept.")
            { models, checkpoints, layers, concepts, data, maxTokens, expansion, k, architecture, epochs, theta, delta, tau, permutations, saeSeeds };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var folder = ctx.Output;
            var timings = new Timings();
            var set = ConceptSources.Open(parse.GetValue(concepts)!);
            IReadOnlyList<string> texts;
            if (parse.GetValue(data) is { } path)
            {
                if (!File.Exists(path)) throw new NeuroLensException($"--data {path}: no such file");
                texts = File.ReadLines(path).Where(l => l.Trim().Length > 0).ToList();
            }
            else
            {
                var generator = new CorpusGenerator(ctx.Seed + 1);
                texts = Enumerable.Range(0, 2000).Select(_ => generator.NextSentence()).ToList();
            }
            int seedCount = parse.GetValue(saeSeeds);
            if (seedCount < 1) throw new UsageException($"--sae-seeds {seedCount}: expected at least 1");
            var layerText = parse.GetValue(layers)!;
            IReadOnlyList<int>? layerList = layerText == "all" ? null : layerText.Split(',').Select(s =>
                int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int l) ? l : throw new UsageException($"--layers: '{s}' is not a block index")).ToList();
            var modelFolders = parse.GetValue(models)!;
            var options = new EmergenceGridOptions
            {
                Models = modelFolders, Checkpoints = parse.GetValue(checkpoints)!, Layers = layerList, Concepts = set, Texts = texts,
                MaxTokens = parse.GetValue(maxTokens), SaeSeeds = seedCount, Theta = parse.GetValue(theta), Delta = parse.GetValue(delta),
                Sae = new SaeTrainingOptions { Architecture = SaeCommand.ParseArchitecture(parse.GetValue(architecture)!), K = parse.GetValue(k), Epochs = parse.GetValue(epochs), BatchSize = 256, BufferSize = 16384, Seed = ctx.Seed, LatentsPerInput = parse.GetValue(expansion) },
                Matching = new MatchingOptions { Threshold = parse.GetValue(tau), Permutations = parse.GetValue(permutations), Seed = ctx.Seed },
            };
            EmergenceGridResult grid;
            using (timings.Measure("grid"))
                grid = ctx.WithProgress(p => EmergenceGrid.Run(options, folder.Path, p));
            var report = new Report("Emergence");
            var summary = EmergenceReport.Write(grid, options, folder.Path, folder, report);
            IReadOnlyList<string> dashboards;
            using (timings.Measure("dashboards"))
                dashboards = FeatureDashboard.WriteAll(grid, options, folder.Path, folder.Path);
            report.Paragraph($"{dashboards.Count} feature dashboards under dashboards/.");
            folder.WriteReport(report);
            folder.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else if (!ctx.Quiet)
            {
                ctx.Stdout.WriteLine(grid.Seeds == 1
                    ? $"{grid.Cells.Count} cells ({grid.CellsRun} computed now); emerged and significant: {(summary.EmergedCategories.Count == 0 ? "none" : string.Join(", ", summary.EmergedCategories))}"
                    : $"{grid.Cells.Count} cells × {grid.Seeds} SAE seeds ({grid.CellsRun} SAEs trained now); emerged and significant (mean over seeds): {(summary.EmergedCategories.Count == 0 ? "none" : string.Join(", ", summary.EmergedCategories))}");
                if (summary.SeedAgreement is { } agreement) ctx.Stdout.WriteLine(agreement.Describe());
                ctx.Stdout.WriteLine($"folder: {folder.Path}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
