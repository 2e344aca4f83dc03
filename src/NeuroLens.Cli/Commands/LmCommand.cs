using System.CommandLine;
using System.Globalization;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using NeuroLens.Models.Data;
using NeuroLens.Models.Evaluation;
using NeuroLens.Models.Language;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens lm eval</c>: perplexity of causal LMs, embedding fidelity and retrieval of encoders.</summary>
internal static class LmCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("lm", "Language models: evaluation (perplexity, embedding fidelity, pair retrieval).");
        command.Subcommands.Add(Eval(context));
        return command;
    }

    private static Command Eval(Func<ParseResult, CommandContext> context)
    {
        var model = new Argument<string>("MODEL") { Description = LanguageModelInputs.ModelHelp };
        var data = new Option<string>("--data") { Description = "A UTF-8 text file: one token stream cut into windows (causal LMs), or one text per line (encoders).", Required = true, HelpName = "TEXT" };
        var window = new Option<int?>("--window") { Description = "Causal LMs: tokens per non-overlapping window (default: the model's context length).", HelpName = "L" };
        var batchSize = new Option<int>("--batch-size") { Description = "Windows or texts per forward pass.", DefaultValueFactory = _ => 4, HelpName = "B" };
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
                using (timings.Measure("tokenize")) windows = TextWindows.FromFile(dataPath, tokenizer, length);
                if (windows.Count == 0)
                    throw new NeuroLensException($"{dataPath}: {windows.StreamLength} tokens make no window of {length}; give more text or a smaller --window");
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
                var table = new CsvTable(["window", "mean_nll"]);
                for (int i = 0; i < result.WindowNll.Count; i++) table.AddRow(i, result.WindowNll[i]);
                ctx.Output.WriteTable("windows.csv", table);
                ctx.Output.WriteResults(ctx.Run(), timings, summary);
                if (ctx.Json) ctx.WriteJson(summary);
                else
                {
                    ctx.Stdout.WriteLine($"perplexity {result.Value.ToString("F4", CultureInfo.InvariantCulture)}  (mean NLL {result.MeanNll.ToString("F4", CultureInfo.InvariantCulture)} nats)");
                    ctx.Stdout.WriteLine($"{result.Windows} windows of {length} tokens, {result.Predictions} predictions; {windows.DroppedTokens} tail tokens dropped");
                    ctx.Stdout.WriteLine($"results: {ctx.Output.Path}");
                }
                return ExitCodes.Success;
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
            var cosines = new CsvTable(["text", "cosine"]);
            for (int i = 0; i < fidelity.Cosines.Count; i++) cosines.AddRow(i, fidelity.Cosines[i]);
            ctx.Output.WriteTable("cosines.csv", cosines);
            ctx.Output.WriteResults(ctx.Run(), timings, encoderSummary);
            if (ctx.Json) ctx.WriteJson(encoderSummary);
            else
            {
                ctx.Stdout.WriteLine($"embedding fidelity {fidelity.MeanCosine.ToString("F6", CultureInfo.InvariantCulture)}  (mean cosine to the reference over {fidelity.Texts} texts; min {fidelity.MinCosine.ToString("F6", CultureInfo.InvariantCulture)})");
                if (modelRetrieval is not null && referenceRetrieval is not null)
                    ctx.Stdout.WriteLine($"top-1 retrieval {modelRetrieval.Top1Accuracy:P1} ({modelRetrieval.Correct}/{modelRetrieval.Pairs}); reference {referenceRetrieval.Top1Accuracy:P1}");
                ctx.Stdout.WriteLine($"results: {ctx.Output.Path}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
