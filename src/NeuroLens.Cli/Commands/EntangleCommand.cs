using System.CommandLine;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Statistics;
using NeuroLens.Entanglement.Models;
using NeuroLens.Entanglement.Neurons;
using NeuroLens.Entanglement.Reporting;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens entangle MODEL --data TEXT</c>: Wasserstein neurons of a model (entanglement.md §1–3), with optional set ablations.</summary>
internal static class EntangleCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var model = new Argument<string>("MODEL") { Description = LanguageModelInputs.ModelHelp };
        var data = new Option<string>("--data") { Description = "Text file: one text per line (encoders) or running text cut into context windows (causal LMs).", Required = true, HelpName = "TEXT" };
        var layers = new Option<string[]>("--layers") { Description = "Module-name globs of the linear layers (default: the first FFN layer(s) of every block).", AllowMultipleArgumentsPerToken = true, HelpName = "GLOB" };
        var tokens = new Option<long>("--tokens") { Description = "Tokens to capture (whole texts/windows).", DefaultValueFactory = _ => 20_000, HelpName = "N" };
        var top = new Option<double>("--top-percent") { Description = "p: top, bottom and random p % of neurons per layer.", DefaultValueFactory = _ => 1.0, HelpName = "P" };
        var pairs = new Option<int>("--pairs") { Description = "Token pairs for mapping difficulty.", DefaultValueFactory = _ => 50_000 };
        var reference = new Option<string>("--reference") { Description = "WD reference: quantile (deterministic) or sample (the paper's seeded N(0,1) sample).", DefaultValueFactory = _ => "quantile" };
        reference.AcceptOnlyFromAmong("quantile", "sample");
        var window = new Option<int?>("--window") { Description = "Sequence length (default: 128 for encoders, the context length for causal LMs).", HelpName = "T" };
        var ablate = new Option<string?>("--eval") { Description = "Evaluation text: ablate the top/bottom/random sets and report fidelity (encoders) or perplexity (causal LMs).", HelpName = "TEXT" };
        var command = new Command("entangle", "Wasserstein neurons: per-neuron WD to N(0,1), mapping difficulty, mean and std; top neurons; histograms and Q-Q plots; optional set ablations.")
            { model, data, layers, tokens, top, pairs, reference, window, ablate };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var (m, tokenizer, _) = LanguageModelInputs.Open(parse.GetValue(model)!);
            using var _m = m;
            int length = parse.GetValue(window) ?? (m.Kind == NeuroLens.Models.Language.ModelKind.Encoder ? Math.Min(128, m.MaxPositions) : m.MaxPositions);
            var timings = new Timings();
            using var tokenData = TokenData.FromText(m, tokenizer, ReadText(parse.GetValue(data)!), Math.Max(2, parse.GetValue(tokens)), length);
            var options = new EntanglementOptions
            {
                Layers = parse.GetValue(layers) ?? [],
                TopPercent = parse.GetValue(top),
                Pairs = LanguageModelInputs.Positive(parse.GetValue(pairs), "--pairs"),
                Reference = parse.GetValue(reference) == "sample" ? GaussianReference.Sample : GaussianReference.Quantile,
                Seed = ctx.Seed,
            };
            if (!(options.TopPercent > 0 && options.TopPercent <= 50)) throw new UsageException($"--top-percent: expected a percentage in (0, 50], got {options.TopPercent}");
            EntanglementResult result;
            using (timings.Measure("entangle"))
                result = EntanglementAnalysis.Run(m, tokenData, options);
            var folder = ctx.Output;
            var report = new Report($"Wasserstein neurons of {parse.GetValue(model)}");
            report.Paragraph($"{tokenData.Tokens} tokens ({tokenData.Sequences} sequences of at most {length}); WD reference {options.Reference.ToString().ToLowerInvariant()}; MD over up to {options.Pairs} disjoint token pairs; seed {ctx.Seed}.");
            EntanglementFigures.AddEntanglement(report, folder, result);
            var ablations = new List<object>();
            string? evalPath = parse.GetValue(ablate);
            if (evalPath is not null)
            {
                using var evalData = TokenData.FromText(m, tokenizer, ReadText(evalPath), long.MaxValue, length);
                using var evaluator = ModelEvaluator.Create(m, evalData);
                var table = new CsvTable("set", "neurons_per_layer", "metric", "value");
                var dense = evaluator.Evaluate(m);
                table.AddRow("none", 0, dense.Metric, dense.Value);
                using (timings.Measure("ablation"))
                    foreach (var set in new[] { "top", "bottom", "random" })
                    {
                        var neurons = result.Layers.ToDictionary(l => l.Layer, l => set == "top" ? l.Sets.Top : set == "bottom" ? l.Sets.Bottom : l.Sets.Random);
                        using (new NeuronAblation(m, neurons))
                        {
                            var score = evaluator.Evaluate(m);
                            table.AddRow(set, neurons.Values.First().Length, score.Metric, score.Value);
                            ablations.Add(new { Set = set, score.Metric, score.Value });
                        }
                    }
                folder.WriteTable("ablation.csv", table);
                report.Heading("Ablation", 3);
                report.Table(table, "Zeroing the outputs of each neuron set in every analysed layer.", csvFileName: "ablation.csv");
            }
            folder.WriteReport(report);
            var summary = new
            {
                Model = parse.GetValue(model),
                tokenData.Tokens,
                Layers = result.Layers.Select(l => new { l.Layer, l.Neurons, l.MeanWasserstein, l.MaxWasserstein, l.Spearman, l.ConstantNeurons, Top = l.Sets.Top }).ToList(),
                Ablation = ablations,
            };
            folder.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else
            {
                foreach (var l in result.Layers)
                    ctx.Stdout.WriteLine($"{l.Layer}: mean WD {l.MeanWasserstein:G4}, max {l.MaxWasserstein:G4}, Spearman(WD, MD) {l.Spearman:G3}, top neurons {string.Join(", ", l.Sets.Top.Take(5))}");
                if (!ctx.Quiet) ctx.Stdout.WriteLine($"report: {folder.GetPath("report.html")}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string ReadText(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new NeuroLensException($"{path}: no such text file");
}
