using System.CommandLine;
using System.Globalization;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using NeuroLens.Models.Data;
using NeuroLens.Models.Evaluation;
using NeuroLens.Models.Language;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens lm train</c> (<see cref="LmTrainCommand"/>) and <c>neurolens lm eval</c>: perplexity of causal LMs, embedding fidelity and retrieval of encoders.</summary>
internal static class LmCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("lm", "Language models: train small GPT-NeoX models from scratch; evaluation (perplexity, embedding fidelity, pair retrieval).");
        command.Subcommands.Add(LmTrainCommand.Create(context));
        command.Subcommands.Add(Eval(context));
        return command;
    }

    private static Command Eval(Func<ParseResult, CommandContext> context)
    {
        var model = LanguageModelInputs.ModelArgument();
        var data = new Option<string>("--data") { Description = "A UTF-8 text file: one token stream cut into windows (causal LMs), or one text per line (encoders).", Required = true, HelpName = "TEXT" };
        var window = LanguageModelInputs.WindowOption();
        var batchSize = LanguageModelInputs.BatchSizeOption();
        var maxWindows = new Option<int?>("--max-windows") { Description = "Evaluate only the first N windows (causal) or texts (encoders).", HelpName = "N" };
        var reference = new Option<string?>("--reference") { Description = "Encoders: the reference model whose embeddings MODEL's are compared with (required for encoders).", HelpName = "MODEL" };
        var pairs = new Option<string?>("--pairs") { Description = "Encoders: a file of 'a<TAB>b' lines; top-1 retrieval accuracy of each a's b among all b's.", HelpName = "FILE" };
        var command = new Command("eval",
            "Causal LMs: perplexity over non-overlapping windows, exp(mean over windows of the mean next-token NLL). "
            + "Encoders: embedding fidelity to --reference (mean cosine of mean-pooled, normalised embeddings) and, with --pairs, top-1 retrieval.")
            { model, data, window, batchSize, maxWindows, reference, pairs };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            string modelArg = parse.GetValue(model)!, dataPath = parse.GetValue(data)!;
            int batch = LanguageModelInputs.Positive(parse.GetValue(batchSize), "--batch-size");
            int? limit = parse.GetValue(maxWindows) is { } n ? LanguageModelInputs.Positive(n, "--max-windows") : null;
            var timings = new Timings();
            var (lm, tokenizer, folder) = LanguageModelInputs.Open(modelArg);
            using var _ = lm;
            if (lm.Kind == ModelKind.CausalLm)
            {
                if (parse.GetValue(reference) is not null || parse.GetValue(pairs) is not null)
                    throw new UsageException("--reference and --pairs are for encoders; a causal LM is evaluated by perplexity");
                int length = LanguageModelInputs.WindowLength(lm, parse.GetValue(window));
                TextWindows windows;
                using (timings.Measure("tokenize")) windows = LanguageModelInputs.Windows(dataPath, tokenizer, length);
                PerplexityResult result;
                using (timings.Measure("evaluate"))
                    result = ctx.WithProgress(p => Perplexity.Evaluate(lm, windows.Batches(batch, limit), p));
                var summary = new
                {
                    Model = modelArg,
                    ModelType = lm.ModelType,
                    Kind = "causal_lm",
                    Data = dataPath,
                    Window = length,
                    Windows = result.Windows,
                    StreamTokens = windows.StreamLength,
                    DroppedTokens = windows.DroppedTokens,
                    result.Predictions,
                    Perplexity = result.Value,
                    result.MeanNll,
                };
                return WriteOutputs(ctx, timings, summary, "windows.csv", "window", "mean_nll", result.WindowNll, stdout =>
                {
                    stdout.WriteLine($"perplexity {result.Value.ToString("F4", CultureInfo.InvariantCulture)}  (mean NLL {result.MeanNll.ToString("F4", CultureInfo.InvariantCulture)} nats)");
                    stdout.WriteLine($"{result.Windows} windows of {length} tokens, {result.Predictions} predictions; {windows.DroppedTokens} tail tokens dropped");
                });
            }

            string referenceArg = parse.GetValue(reference)
                ?? throw new UsageException("--reference: an encoder is evaluated against a reference model; give --reference MODEL");
            if (parse.GetValue(window) is not null) throw new UsageException("--window is for causal LMs; encoders read one text per line");
            var (refModel, refTokenizer, _) = LanguageModelInputs.Open(referenceArg);
            using var __ = refModel;
            if (refModel.Kind != ModelKind.Encoder) throw new NeuroLensException($"{referenceArg}: the reference must be an encoder too, got a {refModel.ModelType} causal LM");
            var lines = TextLines.FromFile(dataPath);
            if (lines.Texts.Count == 0) throw new NeuroLensException($"{dataPath}: no non-blank lines to embed");
            FidelityResult fidelity;
            using (timings.Measure("fidelity"))
                fidelity = EmbeddingFidelity.Evaluate(lm, lines.Batches(tokenizer, batch, lm.MaxPositions, limit),
                    refModel, lines.Batches(refTokenizer, batch, refModel.MaxPositions, limit));
            RetrievalResult? modelRetrieval = null, referenceRetrieval = null;
            if (parse.GetValue(pairs) is { } pairsPath)
            {
                var textPairs = TextPairs.Read(pairsPath);
                var a = TextLines.FromTexts(textPairs.Select(p => p.A));
                var b = TextLines.FromTexts(textPairs.Select(p => p.B));
                using (timings.Measure("retrieval"))
                {
                    modelRetrieval = PairRetrieval.Evaluate(lm, a.Batches(tokenizer, batch, lm.MaxPositions), b.Batches(tokenizer, batch, lm.MaxPositions));
                    referenceRetrieval = PairRetrieval.Evaluate(refModel, a.Batches(refTokenizer, batch, refModel.MaxPositions), b.Batches(refTokenizer, batch, refModel.MaxPositions));
                }
            }
            var encoderSummary = new
            {
                Model = modelArg,
                Reference = referenceArg,
                ModelType = lm.ModelType,
                Kind = "encoder",
                Data = dataPath,
                Texts = fidelity.Texts,
                Fidelity = fidelity.MeanCosine,
                MinCosine = fidelity.MinCosine,
                Pairs = parse.GetValue(pairs),
                Retrieval = modelRetrieval,
                ReferenceRetrieval = referenceRetrieval,
            };
            return WriteOutputs(ctx, timings, encoderSummary, "cosines.csv", "text", "cosine", fidelity.Cosines, stdout =>
            {
                stdout.WriteLine($"embedding fidelity {fidelity.MeanCosine.ToString("F6", CultureInfo.InvariantCulture)}  (mean cosine to the reference over {fidelity.Texts} texts; min {fidelity.MinCosine.ToString("F6", CultureInfo.InvariantCulture)})");
                if (modelRetrieval is not null && referenceRetrieval is not null)
                    stdout.WriteLine($"top-1 retrieval {modelRetrieval.Top1Accuracy:P1} ({modelRetrieval.Correct}/{modelRetrieval.Pairs}); reference {referenceRetrieval.Top1Accuracy:P1}");
            });
        });
        return command;
    }

    // Writes the per-item table (index, value) and results.json, then the summary as JSON or as lines ending with the results folder.
    private static int WriteOutputs(CommandContext ctx, Timings timings, object summary, string tableName, string indexColumn, string valueColumn,
        IReadOnlyList<double> values, Action<TextWriter> describe)
    {
        var table = new CsvTable([indexColumn, valueColumn]);
        for (int i = 0; i < values.Count; i++) table.AddRow(i, values[i]);
        ctx.Output.WriteTable(tableName, table);
        ctx.Output.WriteResults(ctx.Run(), timings, summary);
        if (ctx.Json) ctx.WriteJson(summary);
        else
        {
            describe(ctx.Stdout);
            ctx.Stdout.WriteLine($"results: {ctx.Output.Path}");
        }
        return ExitCodes.Success;
    }
}
