using System.CommandLine;
using NeuroLens.Core.Reports;
using NeuroLens.Entanglement.Models;
using NeuroLens.Entanglement.Pruning;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens prune MODEL --method --sparsity --calib --eval [--save DIR]</c>: layer-sequential one-shot pruning of a whole model.</summary>
internal static class PruneCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var model = new Argument<string>("MODEL") { Description = LanguageModelInputs.ModelHelp };
        var method = new Option<string>("--method") { Description = "magnitude, wanda or sparsegpt.", DefaultValueFactory = _ => "sparsegpt" };
        method.AcceptOnlyFromAmong("magnitude", "wanda", "sparsegpt");
        var sparsity = new Option<string>("--sparsity") { Description = "A fraction (0.5) or N:M (2:4).", DefaultValueFactory = _ => "0.5", HelpName = "S|N:M" };
        var calib = new Option<string>("--calib") { Description = "Calibration text (lines for encoders, running text for causal LMs).", Required = true, HelpName = "TEXT" };
        var eval = new Option<string>("--eval") { Description = "Evaluation text: fidelity to the dense model (encoders) or perplexity (causal LMs).", Required = true, HelpName = "TEXT" };
        var save = new Option<string?>("--save") { Description = "Write the pruned model here as a Hugging Face folder.", HelpName = "DIR" };
        var layers = new Option<string[]>("--layers") { Description = "Module-name globs of the layers to prune (default: every linear layer inside the blocks).", AllowMultipleArgumentsPerToken = true, HelpName = "GLOB" };
        var tokens = new Option<long>("--calib-tokens") { Description = "Calibration tokens.", DefaultValueFactory = _ => 16_384, HelpName = "N" };
        var window = new Option<int?>("--window") { Description = "Sequence length (default: 128 for encoders, the context length for causal LMs).", HelpName = "T" };
        var command = new Command("prune", "One-shot layer-sequential pruning (magnitude, Wanda, SparseGPT) with per-layer sparsity and error, evaluated against the dense model.")
            { model, method, sparsity, calib, eval, save, layers, tokens, window };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var (m, tokenizer, sourceFolder) = LanguageModelInputs.Open(parse.GetValue(model)!);
            using var _m = m;
            int length = parse.GetValue(window) ?? (m.Kind == NeuroLens.Models.Language.ModelKind.Encoder ? Math.Min(128, m.MaxPositions) : m.MaxPositions);
            var options = new PruningOptions
            {
                Method = parse.GetValue(method) switch { "magnitude" => PruningMethod.Magnitude, "wanda" => PruningMethod.Wanda, _ => PruningMethod.SparseGpt },
                Sparsity = SparsitySpec.Parse(parse.GetValue(sparsity)!),
            };
            var timings = new Timings();
            using var calibration = TokenData.FromText(m, tokenizer, EntangleCommand.ReadText(parse.GetValue(calib)!), Math.Max(1, parse.GetValue(tokens)), length);
            using var evaluation = TokenData.FromText(m, tokenizer, EntangleCommand.ReadText(parse.GetValue(eval)!), long.MaxValue, length);
            using var evaluator = ModelEvaluator.Create(m, evaluation);
            EvaluationScore dense, pruned;
            using (timings.Measure("evaluate dense")) dense = evaluator.Evaluate(m);
            IReadOnlyList<(string Layer, LayerPruningReport Report)> reports;
            using (timings.Measure("prune"))
                reports = ctx.WithProgress(p => ModelPruner.Prune(m, calibration, options, parse.GetValue(layers), p));
            using (timings.Measure("evaluate pruned")) pruned = evaluator.Evaluate(m);
            string? saveDir = parse.GetValue(save);
            if (saveDir is not null)
            {
                m.Save(saveDir);
                LanguageModelInputs.CopyTokenizerFiles(sourceFolder, saveDir);
            }

            var folder = ctx.Output;
            var table = new CsvTable("layer", "requested", "achieved", "reconstruction_error", "damping", "damping_retries", "dead_inputs");
            foreach (var (layer, r) in reports) table.AddRow(layer, r.Requested, r.Achieved, r.ReconstructionError, r.Damping, r.DampingRetries, r.DeadInputs);
            folder.WriteTable("layers.csv", table);
            var report = new Report($"{options.Method} pruning of {parse.GetValue(model)} at {options.Sparsity}");
            report.Summary(new Dictionary<string, object?>
            {
                ["calibration tokens"] = calibration.Tokens,
                [$"dense {dense.Metric}"] = dense.Value,
                [$"pruned {pruned.Metric}"] = pruned.Value,
                ["mean reconstruction error"] = reports.Count > 0 ? reports.Average(r => r.Report.ReconstructionError) : double.NaN,
            });
            report.Table(table, "Per layer: achieved sparsity and ‖WX − ŴX‖²/‖WX‖² on the calibration inputs.", maxRows: 200, csvFileName: "layers.csv");
            if (reports.Count > 0)
                report.Figure(Plots.Bars(reports.Select(r => r.Layer).ToList(), reports.Select(r => r.Report.ReconstructionError).ToList(),
                    new PlotOptions { Title = "Reconstruction error per layer", YLabel = "relative error" }), "layer_errors.png", "Relative reconstruction error of each pruned layer.");
            folder.WriteReport(report);
            var summary = new
            {
                Model = parse.GetValue(model),
                Method = options.Method,
                Sparsity = options.Sparsity.ToString(),
                CalibrationTokens = calibration.Tokens,
                Dense = dense,
                Pruned = pruned,
                Saved = saveDir,
                Layers = reports.Select(r => new { r.Layer, r.Report.Achieved, r.Report.ReconstructionError, r.Report.DampingRetries }).ToList(),
            };
            folder.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else
            {
                ctx.Stdout.WriteLine($"{reports.Count} layers pruned to {options.Sparsity}: {dense.Metric} {dense.Value:G5} dense → {pruned.Value:G5} pruned");
                if (saveDir is not null) ctx.Stdout.WriteLine($"saved {saveDir}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
