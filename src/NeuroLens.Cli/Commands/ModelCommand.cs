using System.CommandLine;
using NeuroLens.Core.Runtime;
using NeuroLens.Models.Bert;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Tokenizers;
using Spectre.Console;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens model info|run</c>: describe a model and run it on texts.</summary>
internal static class ModelCommand
{
    private static readonly string ModelHelp =
        $"A Hugging Face model folder (config.json + model.safetensors + vocab.txt) or a built-in id ({string.Join(", ", BuiltInModel.All.Select(m => m.Id))}).";

    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("model", "Describe language models and run them (BERT encoders; built-in: minilm, arctic-xs).");
        command.Subcommands.Add(Info(context));
        command.Subcommands.Add(Run(context));
        return command;
    }

    private static Command Info(Func<ParseResult, CommandContext> context)
    {
        var model = new Argument<string>("MODEL") { Description = ModelHelp };
        var command = new Command("info", "Architecture, sizes, and each layer with its linear-layer names.") { model };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            // Only the configuration and weights are needed: a folder without a vocabulary is described too.
            string folder = ModelLocator.Resolve(parse.GetValue(model)!);
            using var bert = BertCheckpoint.Load(folder);
            var c = bert.Config;
            bool hasVocab = File.Exists(Path.Combine(folder, "vocab.txt"));
            int? maxTokens = hasVocab ? WordPieceTokenizer.FromFolder(folder, c.MaxPositionEmbeddings).MaxLength : null;
            var pooling = SentenceEncoder.ReadPooling(folder).ToString().ToLowerInvariant();
            long parameters = bert.parameters().Sum(p => p.numel());
            var linear = bert.LinearLayerNames;
            var layers = Enumerable.Range(0, c.NumHiddenLayers).Select(i => new
            {
                Index = i,
                Linear = linear.Where(n => n.StartsWith($"encoder.layer.{i}.", StringComparison.Ordinal)).ToArray(),
            }).ToArray();
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    Model = parse.GetValue(model),
                    Folder = folder,
                    Architecture = "bert",
                    c.VocabSize, c.HiddenSize, c.NumHiddenLayers, c.NumAttentionHeads, c.IntermediateSize,
                    c.MaxPositionEmbeddings, c.TypeVocabSize, c.LayerNormEps, c.HiddenAct,
                    Parameters = parameters,
                    bert.HasPooler,
                    Pooling = pooling,
                    MaxTokens = maxTokens,
                    Layers = layers,
                    OtherLinear = linear.Where(n => !n.StartsWith("encoder.layer.", StringComparison.Ordinal)).ToArray(),
                });
                return ExitCodes.Success;
            }
            var table = new Table().Border(TableBorder.Simple).HideHeaders().AddColumns("", "");
            void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
            Row("model", parse.GetValue(model)!);
            Row("folder", folder);
            Row("architecture", $"BERT encoder (post-LN, {c.HiddenAct}){(bert.HasPooler ? ", with pooler" : "")}");
            Row("sizes", $"{c.NumHiddenLayers} layers, hidden {c.HiddenSize}, {c.NumAttentionHeads} heads, FFN {c.IntermediateSize}");
            Row("vocabulary", $"{c.VocabSize} word pieces, {c.TypeVocabSize} token types, {c.MaxPositionEmbeddings} positions" + (maxTokens is { } m ? $" (tokenizer max {m})" : " (no vocab.txt)"));
            Row("parameters", parameters.ToString("N0"));
            Row("sentence pooling", pooling);
            foreach (var layer in layers)
                Row($"layer {layer.Index}", string.Join(", ", layer.Linear.Select(n => n[$"encoder.layer.{layer.Index}.".Length..])));
            ctx.Console.Write(table);
            ctx.Stdout.WriteLine($"Linear layers are named encoder.layer.{{i}}.<name> (Hugging Face checkpoint keys).");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Run(Func<ParseResult, CommandContext> context)
    {
        var model = new Argument<string>("MODEL") { Description = ModelHelp };
        var text = new Option<string[]>("--text") { Description = "A text to embed (repeat for several).", Required = true };
        var pooling = new Option<string>("--pooling")
        {
            Description = "mean (masked mean over the tokens), cls, or model (the model's own, from 1_Pooling/config.json).",
            DefaultValueFactory = _ => "mean",
        };
        pooling.AcceptOnlyFromAmong("mean", "cls", "model");
        var normalize = new Option<bool>("--normalize") { Description = "L2-normalise the embeddings (--normalize false: raw).", DefaultValueFactory = _ => true };
        var command = new Command("run", "Encode texts and print their sentence embeddings (mean-pooled by default).") { model, text, pooling, normalize };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var texts = parse.GetValue(text)!;
            if (texts.Length == 0 || texts.Any(string.IsNullOrEmpty))
                throw new UsageException("--text: give at least one non-empty text");
            using var encoder = SentenceEncoder.Open(parse.GetValue(model)!, device: ComputeSettings.Device);
            Pooling? chosen = parse.GetValue(pooling) switch { "cls" => Pooling.Cls, "model" => null, _ => Pooling.Mean };
            bool norm = parse.GetValue(normalize);
            var embeddings = encoder.Embed(texts, chosen, norm);
            string used = (chosen ?? encoder.Pooling).ToString().ToLowerInvariant();
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    Model = parse.GetValue(model),
                    Pooling = used,
                    Normalized = norm,
                    Dimension = embeddings[0].Length,
                    Embeddings = texts.Zip(embeddings, (t, e) => new { Text = t, Tokens = encoder.Tokenizer.Encode(t).Count, Embedding = e }).ToArray(),
                });
                return ExitCodes.Success;
            }
            ctx.Stdout.WriteLine($"{embeddings.Length} embedding(s) of dimension {embeddings[0].Length} ({used} pooling{(norm ? ", L2-normalised" : "")}); --json prints every number");
            for (int i = 0; i < texts.Length; i++)
            {
                var e = embeddings[i];
                double length = Math.Sqrt(e.Sum(v => (double)v * v));
                string head = string.Join(" ", e.Take(6).Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)));
                ctx.Stdout.WriteLine($"[{i}] {texts[i]}");
                ctx.Stdout.WriteLine($"    [{head} ...]  norm {length:F4}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
