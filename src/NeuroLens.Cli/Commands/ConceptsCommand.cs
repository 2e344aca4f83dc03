using System.CommandLine;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using NeuroLens.Emergence.Activations;
using NeuroLens.Emergence.Concepts;
using NeuroLens.Emergence.Grid;
using NeuroLens.Emergence.Sae;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens concepts score</c>: match an SAE's latents to concept categories on a model's activations.</summary>
internal static class ConceptsCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("concepts", "Concept categories and their match to SAE latents.");
        command.Subcommands.Add(ScoreCommand(context));
        return command;
    }

    private static Command ScoreCommand(Func<ParseResult, CommandContext> context)
    {
        var sae = new Option<string>("--sae") { Description = "SAE folder (SAELens or sparsify layout).", Required = true, HelpName = "DIR" };
        var model = new Option<string>("--model") { Description = "Model folder or built-in id.", Required = true, HelpName = "M" };
        var data = new Option<string>("--data") { Description = "Text file, one sequence per line.", Required = true, HelpName = "TEXT" };
        var site = new Option<string?>("--site") { Description = "Activation site (default: the SAE's hook_name).", HelpName = "SITE" };
        var concepts = new Option<string>("--concepts") { Description = "built-in, a word<TAB>category TSV file, or wordnet:FOLDER[:noun.animal,dog.n.01,…].", DefaultValueFactory = _ => "built-in" };
        var tau = new Option<double>("--tau") { Description = "τ: a latent is active where its code exceeds τ.", DefaultValueFactory = _ => 0.0 };
        var topR = new Option<int>("--top-r") { Description = "S_c from the union of the top-r latents (1: the best latent).", DefaultValueFactory = _ => 1 };
        var permutations = new Option<int>("--permutations") { Description = "Shuffled-label permutations for the null.", DefaultValueFactory = _ => 200 };
        var firstToken = new Option<bool>("--first-token-only") { Description = "Label only the first token of a multi-token word." };
        var maxTokens = new Option<long>("--max-tokens") { Description = "Most tokens captured.", DefaultValueFactory = _ => 100_000 };
        var command = new Command("score", "P, R and F1 of every latent for every category; S_c (best latent or top-r union) with its shuffled-label null quantile and p-value.")
            { sae, model, data, site, concepts, tau, topR, permutations, firstToken, maxTokens };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var folder = ctx.Output;
            var timings = new Timings();
            var set = ConceptSources.Open(parse.GetValue(concepts)!);
            var (autoencoder, metadata) = SaeFiles.Read(parse.GetValue(sae)!);
            using var _ = autoencoder;
            string siteName = parse.GetValue(site) ?? (metadata.HookName.Length > 0 ? metadata.HookName : throw new UsageException("the SAE names no hook; give --site"));
            var modelFolder = Models.BuiltIn.ModelLocator.Resolve(parse.GetValue(model)!);
            using var lm = Models.Language.LanguageModels.Load(modelFolder);
            lm.Module.eval();
            var tokenizer = Models.Tokenizers.TokenizerLoader.Load(modelFolder, lm.MaxPositions);
            var dataPath = parse.GetValue(data)!;
            if (!File.Exists(dataPath)) throw new NeuroLensException($"--data {dataPath}: no such file");
            var texts = File.ReadLines(dataPath).Where(l => l.Trim().Length > 0).ToList();
            var (sequences, labelsPerText) = EmergenceGrid.Prepare(texts, tokenizer, lm.MaxPositions, set, parse.GetValue(firstToken));
            var batches = Enumerable.Range(0, (sequences.Count + 15) / 16)
                .Select(b => Models.Data.TokenBatches.RightPadded(sequences.Skip(b * 16).Take(16).Select(s => (IReadOnlyList<int>)s).ToList(), tokenizer.PadId));
            using var capture = Models.Capture.ActivationCapture.Run(lm, batches, new Models.Capture.CaptureOptions { Sites = [siteName], MaxTokens = parse.GetValue(maxTokens), MemoryBudgetBytes = 2L << 30 });
            var site0 = capture.Sites[0];
            if (site0.Width != autoencoder.InputSize) throw new NeuroLensException($"{siteName} has width {site0.Width}; the SAE reads d_in = {autoencoder.InputSize}");
            var tokens = capture.ReadAllTokens();
            var labels = new ConceptLabels(set.Categories, tokens.Select(t => labelsPerText[(int)t.Text][t.Position]).ToList());
            var pattern = new ActivePattern(autoencoder.Latents);
            var matching = new MatchingOptions { Threshold = parse.GetValue(tau), TopR = parse.GetValue(topR), Permutations = parse.GetValue(permutations), Seed = ctx.Seed };
            IReadOnlyList<ConceptScore> scores;
            using (timings.Measure("matching"))
            {
                foreach (var chunk in new CaptureActivationSource(site0).ReadChunks())
                    using (chunk)
                    using (var codes = autoencoder.Encode(chunk))
                        pattern.Add(codes, matching.Threshold);
                scores = ConceptMatching.Score(pattern, labels, matching);
            }
            var table = new CsvTable("category", "positions", "score", "best_latent", "precision", "recall", "null_quantile", "p_value", "significant");
            foreach (var s in scores) table.AddRow(s.Category, s.Positions, s.Score, s.BestLatent, s.Precision, s.Recall, s.NullQuantile, s.PValue, s.Significant);
            folder.WriteTable("scores.csv", table);
            var report = new Report("Concept scores").Summary([new("SAE", parse.GetValue(sae)), new("site", siteName), new("tokens", tokens.Length), new("τ", matching.Threshold), new("top-r", matching.TopR)])
                .Table(table, $"S_c per category with the {matching.NullQuantile:P0} quantile of its shuffled-label null ({matching.Permutations} permutations).", csvFileName: "scores.csv");
            folder.WriteReport(report);
            folder.WriteResults(ctx.Run(), timings, scores);
            if (ctx.Json) ctx.WriteJson(scores);
            else if (!ctx.Quiet)
            {
                foreach (var s in scores.OrderByDescending(s => s.Score))
                    ctx.Stdout.WriteLine($"{s.Category,-20} S_c {s.Score:F3} (latent {s.BestLatent}, P {s.Precision:F2}, R {s.Recall:F2}; null q {s.NullQuantile:F3}, p {s.PValue:F3})");
                ctx.Stdout.WriteLine($"folder: {folder.Path}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
