using System.CommandLine;
using NeuroLens.Core.Runtime;
using System.Globalization;
using NeuroLens.Models.Bert;
using NeuroLens.Models.BuiltIn;
using NeuroLens.Models.Gpt2;
using NeuroLens.Models.GptNeoX;
using NeuroLens.Models.Language;
using NeuroLens.Models.Llama;
using NeuroLens.Models.Tokenizers;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens model info|run</c>: describe a model and run it on texts.</summary>
internal static class ModelCommand
{
    private static readonly string ModelHelp =
        $"A Hugging Face model folder (config.json + model.safetensors, with vocab.txt or tokenizer.json; model_type {string.Join(", ", LanguageModels.Supported.Select(s => s.ModelType))}) or a built-in id ({string.Join(", ", BuiltInModel.All.Select(m => m.Id))}).";

    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("model", "Describe language models and run them (BERT encoders, GPT-NeoX/Pythia, GPT-2, Llama; built-in: minilm, arctic-xs).");
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
            if (LanguageModels.ModelTypeOf(folder) != "bert") return InfoCausal(ctx, parse.GetValue(model)!, folder);
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

    /// <summary>Architecture line, heads (query/key-value), feed-forward width and the family's options, for <c>model info</c>.</summary>
    private static (string Architecture, int Heads, int KeyValueHeads, int FeedForward) Describe(CausalLanguageModel m) => m switch
    {
        GptNeoXModel x => ($"GPT-NeoX causal LM ({(x.Config.UseParallelResidual ? "parallel" : "sequential")} residual, rotary on {x.Config.RotaryDims} of {x.Config.HeadSize} head features, θ {x.Config.RopeTheta}, {x.Config.HiddenAct})",
            x.Config.NumAttentionHeads, x.Config.NumAttentionHeads, x.Config.IntermediateSize),
        Gpt2Model g => ($"GPT-2 causal LM (learned positions, {g.Config.ActivationFunction})", g.Config.NHead, g.Config.NHead, g.Config.InnerSize),
        LlamaModel l => ($"Llama causal LM (RMSNorm, SwiGLU {l.Config.HiddenAct}, rotary θ {l.Config.RopeTheta}, head width {l.Config.HeadSize})",
            l.Config.NumAttentionHeads, l.Config.KeyValueHeads, l.Config.IntermediateSize),
        _ => (m.ModelType, 0, 0, 0),
    };

    private static int InfoCausal(CommandContext ctx, string given, string folder)
    {
        using var loaded = LanguageModels.Load(folder, out var report);
        var lm = (CausalLanguageModel)loaded;
        var (architecture, heads, kvHeads, ffn) = Describe(lm);
        long parameters = lm.parameters().Sum(p => p.numel());
        var linear = lm.LinearLayerNames;
        var layers = Enumerable.Range(0, lm.NumLayers).Select(i => new
        {
            Index = i,
            Block = lm.BlockName(i),
            Linear = linear.Where(n => n.StartsWith(lm.BlockName(i) + ".", StringComparison.Ordinal)).ToArray(),
            FeedForward = lm.FeedForwardGroups(i),
        }).ToArray();
        bool hasTokenizer = File.Exists(Path.Combine(folder, "tokenizer.json"));
        if (ctx.Json)
        {
            ctx.WriteJson(new
            {
                Model = given,
                Folder = folder,
                Architecture = lm.ModelType,
                Description = architecture,
                lm.VocabSize,
                lm.HiddenSize,
                NumHiddenLayers = lm.NumLayers,
                NumAttentionHeads = heads,
                NumKeyValueHeads = kvHeads,
                IntermediateSize = ffn,
                MaxPositionEmbeddings = lm.MaxPositions,
                lm.TiedEmbeddings,
                Parameters = parameters,
                HasTokenizer = hasTokenizer,
                UnexpectedTensors = report.Unexpected,
                Config = lm.ConfigJson,
                Layers = layers,
                OtherLinear = linear.Where(n => !layers.Any(l => l.Linear.Contains(n))).ToArray(),
            });
            return ExitCodes.Success;
        }
        var table = new Table().Border(TableBorder.Simple).HideHeaders().AddColumns("", "");
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("model", given);
        Row("folder", folder);
        Row("architecture", architecture);
        Row("sizes", $"{lm.NumLayers} layers, hidden {lm.HiddenSize}, {heads} heads" + (kvHeads != heads ? $" ({kvHeads} key/value)" : "") + $", FFN {ffn}");
        Row("vocabulary", $"{lm.VocabSize} tokens, {lm.MaxPositions} positions, " + (lm.TiedEmbeddings ? "unembedding tied to the embedding" : "separate unembedding")
            + (hasTokenizer ? "" : " (no tokenizer.json)"));
        Row("parameters", parameters.ToString("N0", CultureInfo.InvariantCulture));
        if (report.Unexpected.Count > 0) Row("ignored tensors", string.Join(", ", report.Unexpected));
        foreach (var layer in layers)
            Row($"layer {layer.Index}", string.Join(", ", layer.Linear.Select(n => n[(layer.Block.Length + 1)..])));
        foreach (var other in linear.Where(n => !layers.Any(l => l.Linear.Contains(n))))
            Row("head", other);
        ctx.Console.Write(table);
        ctx.Stdout.WriteLine($"Linear layers are named {lm.BlockName(0)[..^1]}{{i}}.<name> (Hugging Face checkpoint keys).");
        return ExitCodes.Success;
    }

    private static Command Run(Func<ParseResult, CommandContext> context)
    {
        var model = new Argument<string>("MODEL") { Description = ModelHelp };
        var text = new Option<string[]>("--text") { Description = "A text to run (repeat for several): encoders embed it, causal LMs predict its next token." };
        var ids = new Option<string[]>("--ids") { Description = "Causal LMs: token ids instead of a text, comma-separated (e.g. 12,7,99; repeat for several inputs)." };
        var topK = new Option<int>("--top-k") { Description = "Causal LMs: how many next-token candidates to print.", DefaultValueFactory = _ => 5 };
        var pooling = new Option<string>("--pooling")
        {
            Description = "Encoders: mean (masked mean over the tokens), cls, or model (the model's own, from 1_Pooling/config.json).",
            DefaultValueFactory = _ => "mean",
        };
        pooling.AcceptOnlyFromAmong("mean", "cls", "model");
        var normalize = new Option<bool>("--normalize") { Description = "Encoders: L2-normalise the embeddings (--normalize false: raw).", DefaultValueFactory = _ => true };
        var command = new Command("run", "Encoders: print sentence embeddings (mean-pooled by default). Causal LMs: print the next-token top-k with probabilities.")
            { model, text, ids, topK, pooling, normalize };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var texts = parse.GetValue(text) ?? [];
            var idLists = parse.GetValue(ids) ?? [];
            if (texts.Any(string.IsNullOrEmpty))
                throw new UsageException("--text: give non-empty texts");
            if (texts.Length + idLists.Length == 0)
                throw new UsageException("give at least one --text (or, for causal language models, --ids)");
            string folder = ModelLocator.Resolve(parse.GetValue(model)!);
            if (LanguageModels.ModelTypeOf(folder) != "bert")
            {
                int k = parse.GetValue(topK);
                if (k < 1) throw new UsageException($"--top-k: must be at least 1, got {k}");
                return RunCausal(ctx, folder, texts, idLists, k);
            }
            if (idLists.Length > 0) throw new UsageException("--ids: only for causal language models; give --text for an encoder");
            using var encoder = SentenceEncoder.Open(folder, device: ComputeSettings.Device);
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

    private static int[] ParseIds(string list, int vocab)
    {
        var parts = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new UsageException($"--ids: '{list}' has no ids (expected e.g. 12,7,99)");
        return parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id < vocab ? id
            : throw new UsageException($"--ids: '{p}' is not a token id in 0..{vocab - 1}")).ToArray();
    }

    private static int RunCausal(CommandContext ctx, string folder, string[] texts, string[] idLists, int k)
    {
        using var lm = LanguageModels.Load(folder);
        ITextTokenizer? tokenizer = texts.Length > 0 || File.Exists(Path.Combine(folder, "tokenizer.json")) ? TokenizerLoader.Load(folder) : null;
        var inputs = texts.Select(t => (Label: t, Ids: tokenizer!.Encode(t).ToArray()))
            .Concat(idLists.Select(l => (Label: l, Ids: ParseIds(l, lm.VocabSize)))).ToList();
        var device = ComputeSettings.Device;
        if (device.type != DeviceType.CPU) lm.Module.to(device);
        k = Math.Min(k, lm.VocabSize);
        var results = new List<(string Label, int[] Ids, (int Id, string? Token, double Probability, double Logit)[] Top)>();
        foreach (var (label, tokenIds) in inputs)
        {
            if (tokenIds.Length == 0) throw new UsageException($"'{label}' gives no tokens");
            if (tokenIds.Length > lm.MaxPositions) throw new UsageException($"'{label}' has {tokenIds.Length} tokens, more than the model's {lm.MaxPositions}");
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var input = tensor(tokenIds.Select(i => (long)i).ToArray(), [1, tokenIds.Length]).to(device);
            var logits = lm.Forward(input, ones_like(input))[0, -1].cpu();
            var probabilities = logits.softmax(0);
            var (values, indices) = probabilities.topk(k);
            var top = Enumerable.Range(0, k).Select(r =>
            {
                int id = (int)indices[r].item<long>();
                return (id, tokenizer?.Decode([id]), (double)values[r].item<float>(), (double)logits[id].item<float>());
            }).ToArray();
            results.Add((label, tokenIds, top));
        }
        if (ctx.Json)
        {
            ctx.WriteJson(results.Select(r => new
            {
                Input = r.Label,
                Tokens = r.Ids,
                Next = r.Top.Select(t => new { t.Id, t.Token, t.Probability, t.Logit }).ToArray(),
            }).ToArray());
            return ExitCodes.Success;
        }
        ctx.Stdout.WriteLine($"Next-token top {k} of {lm.ModelType} ({lm.NumLayers} layers) after each input; --json prints them as an array");
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            ctx.Stdout.WriteLine($"[{i}] {r.Label}  ({r.Ids.Length} tokens)");
            foreach (var t in r.Top)
                ctx.Stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {t.Probability,8:F4}  id {t.Id,-7}{(t.Token is null ? "" : " " + System.Text.Json.JsonSerializer.Serialize(t.Token))}"));
        }
        return ExitCodes.Success;
    }
}
