using System.CommandLine;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using NeuroLens.Models.Capture;
using NeuroLens.Models.Data;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens capture</c>: record linear-layer inputs/outputs and the residual stream to a shard folder.</summary>
internal static class CaptureCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var model = new Argument<string>("MODEL") { Description = LanguageModelInputs.ModelHelp };
        var data = new Option<string>("--data") { Description = "A UTF-8 text file: cut into non-overlapping windows (causal LMs) or one text per line (encoders).", Required = true, HelpName = "TEXT" };
        var sites = new Option<string[]>("--sites")
        {
            Description = "Sites: resid_post.L (L a block or *), or a module glob (* inside one dotted segment, ** across) "
                + "with :output (default), :input or :both, e.g. 'gpt_neox.layers.*.mlp.dense_h_to_4h'. Several may follow.",
            Required = true, AllowMultipleArgumentsPerToken = true, HelpName = "SITE",
        };
        var tokens = new Option<long?>("--tokens") { Description = "Stop after this many real tokens (default: the whole file).", HelpName = "N" };
        var budget = new Option<long>("--budget-mb") { Description = "Memory for buffered rows; each time it fills, a shard is written.", DefaultValueFactory = _ => 256, HelpName = "M" };
        var window = new Option<int?>("--window") { Description = "Causal LMs: tokens per window (default: the model's context length).", HelpName = "L" };
        var batchSize = new Option<int>("--batch-size") { Description = "Windows or texts per forward pass.", DefaultValueFactory = _ => 4, HelpName = "B" };
        var command = new Command("capture",
            "Record activations (linear-layer inputs/outputs before the activation, resid_post after each block) for the real tokens of a text, "
            + "as safetensors shards with a capture.json index in --out.")
            { model, data, sites, tokens, budget, window, batchSize };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            string modelArg = parse.GetValue(model)!, dataPath = parse.GetValue(data)!;
            int batch = LanguageModelInputs.Positive(parse.GetValue(batchSize), "--batch-size");
            long budgetMb = parse.GetValue(budget);
            if (budgetMb < 1) throw new UsageException($"--budget-mb: expected a size ≥ 1 MB, got {budgetMb}");
            long? maxTokens = parse.GetValue(tokens);
            if (maxTokens is < 1) throw new UsageException($"--tokens: expected a number ≥ 1, got {maxTokens}");
            var timings = new Timings();
            var (lm, tokenizer, _) = LanguageModelInputs.Open(modelArg);
            using var __ = lm;
            CaptureSites.Resolve(lm, parse.GetValue(sites)!); // a wrong site fails before the text is read
            IEnumerable<TokenBatch> batches;
            int? windowLength = null;
            using (timings.Measure("tokenize"))
            {
                if (lm.Kind == ModelKind.CausalLm)
                {
                    windowLength = LanguageModelInputs.WindowLength(lm, parse.GetValue(window));
                    var windows = TextWindows.FromFile(dataPath, tokenizer, windowLength.Value);
                    if (windows.Count == 0)
                        throw new NeuroLensException($"{dataPath}: {windows.StreamLength} tokens make no window of {windowLength}; give more text or a smaller --window");
                    batches = windows.Batches(batch);
                }
                else
                {
                    if (parse.GetValue(window) is not null) throw new UsageException("--window is for causal LMs; encoders read one text per line");
                    var lines = TextLines.FromFile(dataPath);
                    if (lines.Texts.Count == 0) throw new NeuroLensException($"{dataPath}: no non-blank lines");
                    batches = lines.Batches(tokenizer, batch, lm.MaxPositions);
                }
            }
            string folder = ctx.Output.Path;
            CaptureSet capture;
            using (timings.Measure("capture"))
                capture = ctx.WithProgress(p => ActivationCapture.Run(lm, batches, new CaptureOptions
                {
                    Sites = parse.GetValue(sites)!,
                    MaxTokens = maxTokens,
                    MemoryBudgetBytes = budgetMb << 20,
                    Folder = folder,
                }, p));
            using (capture)
            {
                var summary = new
                {
                    Model = modelArg,
                    ModelType = lm.ModelType,
                    Data = dataPath,
                    Window = windowLength,
                    Folder = folder,
                    Rows = capture.RowCount,
                    Shards = capture.ShardCount,
                    RowOrder = CaptureIndex.RowOrder,
                    Sites = capture.Sites.Select(s => new { s.Name, Kind = CaptureSite.KindName(s.Site.Kind), s.Site.Module, s.Site.Layer, s.Width }).ToArray(),
                };
                ctx.Output.WriteResults(ctx.Run(), timings, summary);
                if (ctx.Json) ctx.WriteJson(summary);
                else
                {
                    ctx.Stdout.WriteLine($"captured {capture.RowCount} tokens at {capture.Sites.Count} site(s) into {capture.ShardCount} shard(s): {folder}");
                    foreach (var s in capture.Sites) ctx.Stdout.WriteLine($"  {s.Name}  ({capture.RowCount} × {s.Width})");
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
