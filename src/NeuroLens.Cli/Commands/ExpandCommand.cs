using System.CommandLine;
using NeuroLens.Core.Reports;
using NeuroLens.Entanglement.Expansion;
using NeuroLens.Entanglement.Models;
using NeuroLens.Entanglement.Pruning;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens expand MODEL --experts K --pca-reduction R --sparsity S --calib --eval [--save DIR]</c>: Sparse Expansion of a model's FFN groups.</summary>
internal static class ExpandCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var model = new Argument<string>("MODEL") { Description = LanguageModelInputs.ModelHelp + " Or a folder written by 'expand --save' (then only evaluated)." };
        var experts = new Option<int>("--experts") { Description = "K experts (k-means clusters) per FFN group.", DefaultValueFactory = _ => 16, HelpName = "K" };
        var reduction = new Option<int>("--pca-reduction") { Description = "r: cluster the PCA projection to d_in/r components (0: no PCA).", DefaultValueFactory = _ => 32, HelpName = "R" };
        var sparsity = new Option<string>("--sparsity") { Description = "Sparsity of every expert: a fraction or N:M.", DefaultValueFactory = _ => "0.5", HelpName = "S|N:M" };
        var restarts = new Option<int>("--restarts") { Description = "k-means restarts.", DefaultValueFactory = _ => 4 };
        var calib = new Option<string?>("--calib") { Description = "Calibration text.", HelpName = "TEXT" };
        var eval = new Option<string>("--eval") { Description = "Evaluation text: fidelity (encoders) or perplexity (causal LMs).", Required = true, HelpName = "TEXT" };
        var save = new Option<string?>("--save") { Description = "Write the expanded model (dense folder + experts, routers, config) here.", HelpName = "DIR" };
        var tokens = new Option<long>("--calib-tokens") { Description = "Calibration tokens.", DefaultValueFactory = _ => 16_384, HelpName = "N" };
        var window = new Option<int?>("--window") { Description = "Sequence length (default: 128 for encoders, the context length for causal LMs).", HelpName = "T" };
        var command = new Command("expand", "Sparse Expansion: per FFN group PCA + k-means routing to K SparseGPT experts; attention dense; evaluated against the dense model.")
            { model, experts, reduction, sparsity, restarts, calib, eval, save, tokens, window };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            string modelArg = parse.GetValue(model)!;
            var timings = new Timings();
            bool reload = Directory.Exists(modelArg) && File.Exists(Path.Combine(modelArg, "expansion.json"));
            var (m, tokenizer, sourceFolder) = LanguageModelInputs.Open(modelArg);
            using var _m = m;
            int length = parse.GetValue(window) ?? (m.Kind == NeuroLens.Models.Language.ModelKind.Encoder ? Math.Min(128, m.MaxPositions) : m.MaxPositions);
            using var evaluation = TokenData.FromText(m, tokenizer, EntangleCommand.ReadText(parse.GetValue(eval)!), long.MaxValue, length);
            using var evaluator = ModelEvaluator.Create(m, evaluation);
            var dense = evaluator.Evaluate(m);
            ExpandedModel expanded;
            IReadOnlyList<(string Layer, ExpansionLayerReport Report)> reports = [];
            if (reload)
            {
                // A saved expansion: its dense weights are m's; load the experts onto a second instance and compare.
                expanded = ExpandedModel.Load(modelArg);
            }
            else
            {
                string calibPath = parse.GetValue(calib) ?? throw new UsageException("--calib: required to expand a model");
                int r = parse.GetValue(reduction);
                var options = new SparseExpansionOptions
                {
                    Experts = LanguageModelInputs.Positive(parse.GetValue(experts), "--experts"),
                    PcaReduction = r > 0 ? r : 1,
                    NoPca = r == 0,
                    Restarts = LanguageModelInputs.Positive(parse.GetValue(restarts), "--restarts"),
                    Seed = ctx.Seed,
                    Pruning = new PruningOptions { Sparsity = SparsitySpec.Parse(parse.GetValue(sparsity)!) },
                };
                using var calibration = TokenData.FromText(m, tokenizer, EntangleCommand.ReadText(calibPath), Math.Max(1, parse.GetValue(tokens)), length);
                using (timings.Measure("expand"))
                    (expanded, reports) = ctx.WithProgress(p => ModelExpander.Expand(m, calibration, options, p));
            }
            using var _e = expanded;
            EvaluationScore score;
            using (timings.Measure("evaluate")) score = evaluator.Evaluate(expanded.Model);
            string? saveDir = parse.GetValue(save);
            if (saveDir is not null)
            {
                expanded.Save(saveDir);
                LanguageModelInputs.CopyTokenizerFiles(sourceFolder, saveDir);
            }
            if (reload) expanded.Model.Dispose();

            var folder = ctx.Output;
            var table = new CsvTable("layer", "experts", "sparsity", "achieved", "reconstruction_error", "min_tokens_per_expert", "max_tokens_per_expert", "damping_retries");
            foreach (var (layer, r) in reports)
                table.AddRow(layer, r.Experts, r.Sparsity, r.Achieved, r.ReconstructionError, r.TokensPerExpert.Min(), r.TokensPerExpert.Max(), r.DampingRetries);
            folder.WriteTable("layers.csv", table);
            var report = new Report($"Sparse Expansion of {modelArg}");
            report.Summary(new Dictionary<string, object?> { [$"dense {dense.Metric}"] = dense.Value, [$"expanded {score.Metric}"] = score.Value, ["settings"] = expanded.Settings.ToJsonString() });
            if (reports.Count > 0) report.Table(table, "Per FFN layer: experts, achieved sparsity, calibration reconstruction error, cluster sizes.", maxRows: 200, csvFileName: "layers.csv");
            folder.WriteReport(report);
            var summary = new
            {
                Model = modelArg,
                Settings = expanded.Settings.ToJsonString(),
                Dense = dense,
                Expanded = score,
                Saved = saveDir,
                Layers = reports.Select(r => new { r.Layer, r.Report.Achieved, r.Report.ReconstructionError, r.Report.TokensPerExpert }).ToList(),
            };
            folder.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else ctx.Stdout.WriteLine($"{dense.Metric}: dense {dense.Value:G5}, expanded {score.Value:G5}" + (saveDir is null ? "" : $"; saved {saveDir}"));
            return ExitCodes.Success;
        });
        return command;
    }
}
