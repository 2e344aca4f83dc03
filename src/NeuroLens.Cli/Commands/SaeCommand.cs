using System.CommandLine;
using NeuroLens.Core;
using NeuroLens.Core.Reports;
using NeuroLens.Emergence.Activations;
using NeuroLens.Emergence.Sae;
using NeuroLens.Models.Capture;
using NeuroLens.Models.Language;
using NeuroLens.Models.Tokenizers;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens sae train|eval</c>: sparse autoencoders on activations from files or a model.</summary>
internal static class SaeCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var command = new Command("sae", "Sparse autoencoders (TopK, BatchTopK, ReLU + L1) on model activations.");
        command.Subcommands.Add(TrainCommand(context));
        command.Subcommands.Add(EvalCommand(context));
        return command;
    }

    /// <summary>The activation inputs shared by train, eval and concepts score.</summary>
    internal sealed class Inputs
    {
        public readonly Option<string[]> Activations = new("--activations") { Description = "Activation files (.npy, .npz, .safetensors): one [tokens, d] or [batch, tokens, d] tensor each, read as one stream.", HelpName = "FILE", AllowMultipleArgumentsPerToken = true };
        public readonly Option<string?> Tensor = new("--tensor") { Description = "The tensor's name in the activation files (default: their only tensor).", HelpName = "NAME" };
        public readonly Option<string?> Model = new("--model") { Description = "A model folder or built-in id (minilm) whose activations are captured over --data.", HelpName = "M" };
        public readonly Option<string?> Site = new("--site") { Description = "Activation site: resid_post.L (block L's output, HF hidden_states[L+1]) or MODULE:input/:output.", HelpName = "SITE" };
        public readonly Option<string?> Data = new("--data") { Description = "Text file: one sequence per line (with --model).", HelpName = "TEXT" };
        public readonly Option<long> MaxTokens = new("--max-tokens") { Description = "Most tokens captured from --model.", DefaultValueFactory = _ => 200_000, HelpName = "N" };

        public void AddTo(Command command)
        {
            command.Options.Add(Activations);
            command.Options.Add(Tensor);
            command.Options.Add(Model);
            command.Options.Add(Site);
            command.Options.Add(Data);
            command.Options.Add(MaxTokens);
        }

        /// <summary>The activation source, and the model, tokenizer, sequences and capture when captured from a model (dispose the result).</summary>
        public Opened Open(ParseResult parse, string? defaultSite = null)
        {
            var files = parse.GetValue(Activations) ?? [];
            var model = parse.GetValue(Model);
            if ((files.Length > 0) == (model is not null)) throw new UsageException("give either --activations FILE... or --model M --site SITE --data TEXT");
            if (files.Length > 0) return new Opened(new FileActivationSource(files, parse.GetValue(Tensor)), null, null, null, null, null);
            string site = parse.GetValue(Site) ?? defaultSite ?? throw new UsageException("--model needs --site (e.g. resid_post.3)");
            var data = parse.GetValue(Data) ?? throw new UsageException("--model needs --data TEXT (one sequence per line)");
            if (!File.Exists(data)) throw new NeuroLensException($"--data {data}: no such file");
            var folder = Models.BuiltIn.ModelLocator.Resolve(model!);
            var lm = LanguageModels.Load(folder);
            lm.Module.eval();
            var tokenizer = TokenizerLoader.Load(folder, lm.MaxPositions);
            var (sequences, capture) = TextActivations.Capture(lm, tokenizer, File.ReadLines(data), site, parse.GetValue(MaxTokens));
            return new Opened(new CaptureActivationSource(capture[capture.Sites[0].Name]), lm, tokenizer, sequences, capture, site);
        }
    }

    internal sealed record Opened(IActivationSource Source, ILanguageModel? Model, ITextTokenizer? Tokenizer, List<int[]>? Sequences, CaptureSet? Capture, string? Site) : IDisposable
    {
        public void Dispose()
        {
            (Source as IDisposable)?.Dispose();
            Capture?.Dispose();
            Model?.Dispose();
        }
    }

    private static Command TrainCommand(Func<ParseResult, CommandContext> context)
    {
        var inputs = new Inputs();
        var latents = new Option<int?>("--latents") { Description = "Number of latents (default 16 × d).", HelpName = "N" };
        var k = new Option<int>("--k") { Description = "Active latents per token (TopK, BatchTopK).", DefaultValueFactory = _ => 32, HelpName = "K" };
        var architecture = new Option<string>("--architecture") { Description = "topk (with AuxK), batchtopk or relu (L1 weighted by decoder norms).", DefaultValueFactory = _ => "topk" };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the activations.", HelpName = "E" };
        var tokens = new Option<long?>("--tokens") { Description = "Training tokens (default: max(one pass, 2 M tokens), at most 10 passes).", HelpName = "T" };
        var batch = new Option<int>("--batch-size") { Description = "Tokens per step.", DefaultValueFactory = _ => 1024, HelpName = "B" };
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate (default 2e-4 / sqrt(latents / 2^14)).", HelpName = "LR" };
        var l1 = new Option<double>("--l1") { Description = "L1 coefficient λ of ReLU SAEs.", DefaultValueFactory = _ => 5.0, HelpName = "λ" };
        var deadAfter = new Option<long?>("--dead-after") { Description = "Tokens without firing after which a latent is dead (default min(10 M, budget / 10)).", HelpName = "T" };
        var bdec = new Option<string>("--b-dec") { Description = "b_dec initialisation: mean, median (geometric) or zero.", DefaultValueFactory = _ => "mean" };
        var evalFraction = new Option<double>("--eval-fraction") { Description = "Tail share of the activations held out for the metrics.", DefaultValueFactory = _ => 0.1, HelpName = "F" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Save a training checkpoint every N steps (in OUT/checkpoint).", DefaultValueFactory = _ => 0, HelpName = "N" };
        var resume = new Option<bool>("--resume") { Description = "Continue from OUT/checkpoint." };
        var command = new Command("train", "Trains an SAE; writes OUT/sae (SAELens layout: cfg.json + sae_weights.safetensors), the metrics and a report.")
            { latents, k, architecture, epochs, tokens, batch, lr, l1, deadAfter, bdec, evalFraction, checkpointEvery, resume };
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var folder = ctx.Output;
            var timings = new Timings();
            using var opened = inputs.Open(parse);
            var source = opened.Source;
            double fraction = parse.GetValue(evalFraction);
            if (!(fraction >= 0 && fraction < 1)) throw new UsageException($"--eval-fraction: expected [0, 1), got {fraction}");
            long evalRows = fraction > 0 ? Math.Max(1, (long)(source.Rows * fraction)) : 0;
            var train = evalRows > 0 ? new ActivationRange(source, 0, source.Rows - evalRows) : source;
            var evaluation = evalRows > 0 ? new ActivationRange(source, source.Rows - evalRows, evalRows) : source;
            int? e = parse.GetValue(epochs);
            long? t = parse.GetValue(tokens);
            if (e is not null && t is not null) throw new UsageException("give --epochs or --tokens, not both");
            var options = new SaeTrainingOptions
            {
                Architecture = ParseArchitecture(parse.GetValue(architecture)!),
                Latents = parse.GetValue(latents), K = parse.GetValue(k), BatchSize = parse.GetValue(batch),
                Epochs = e ?? 1,
                Tokens = t ?? (e is null ? Math.Min(10 * train.Rows, Math.Max(train.Rows, 2_000_000)) : null),
                LearningRate = parse.GetValue(lr), L1Coefficient = parse.GetValue(l1), DeadAfterTokens = parse.GetValue(deadAfter),
                DecoderBiasInit = parse.GetValue(bdec) switch
                {
                    "mean" => DecoderBiasInit.Mean, "median" => DecoderBiasInit.GeometricMedian, "zero" => DecoderBiasInit.Zero,
                    var other => throw new UsageException($"--b-dec: '{other}' is not mean, median or zero"),
                },
                CheckpointEvery = parse.GetValue(checkpointEvery), Seed = ctx.Seed,
                BufferSize = (int)Math.Max(parse.GetValue(batch), Math.Min(65536, train.Rows)),
            };
            SaeTrainingResult result;
            using (timings.Measure("training"))
                result = ctx.WithProgress(p => SaeTraining.Train(train, options, folder.GetPath("checkpoint"), parse.GetValue(resume), p));
            using var sae = result.Sae;
            var metadata = new SaeMetadata(parse.GetValue(inputs.Model) ?? string.Join(",", parse.GetValue(inputs.Activations) ?? []), opened.Site ?? "",
                opened.Site is null ? -1 : TextActivations.ResidPostLayer(opened.Site) ?? -1);
            SaeFiles.Write(folder.GetPath("sae"), sae, metadata);
            SaeQuality quality;
            using (timings.Measure("evaluation"))
                quality = Evaluate(sae, evaluation, opened);
            var summary = new { result.Steps, result.Tokens, result.LearningRate, result.FinalFvu, training_dead_fraction = result.DeadFraction, sae.InputScale, quality };
            WriteOutputs(ctx, folder, "SAE training", quality, summary, timings, [new("architecture", sae.Architecture.ToString()), new("d_in", sae.InputSize),
                new("latents", sae.Latents), new("k", sae.K), new("steps", result.Steps), new("tokens", result.Tokens), new("learning rate", result.LearningRate),
                new("input scale", sae.InputScale)]);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command EvalCommand(Func<ParseResult, CommandContext> context)
    {
        var inputs = new Inputs();
        var saeDir = new Argument<string>("sae") { Description = "SAE folder (SAELens or sparsify layout)." };
        var command = new Command("eval", "L0, dead fraction, mean-centred FVU, explained variance, cosine and (causal models, resid_post sites) CE loss recovered.") { saeDir };
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var folder = ctx.Output;
            var timings = new Timings();
            var (sae, metadata) = SaeFiles.Read(parse.GetValue(saeDir)!);
            using var _ = sae;
            using var opened = inputs.Open(parse, metadata.HookName.Length > 0 ? metadata.HookName : null);
            if (opened.Source.Dimension != sae.InputSize)
                throw new NeuroLensException($"the SAE reads d_in = {sae.InputSize}, the activations have width {opened.Source.Dimension}");
            SaeQuality quality;
            using (timings.Measure("evaluation"))
                quality = Evaluate(sae, opened.Source, opened);
            WriteOutputs(ctx, folder, "SAE evaluation", quality, quality, timings, [new("architecture", sae.Architecture.ToString()), new("d_in", sae.InputSize), new("latents", sae.Latents)]);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static SaeArchitecture ParseArchitecture(string name) => name switch
    {
        "topk" => SaeArchitecture.TopK,
        "batchtopk" => SaeArchitecture.BatchTopK,
        "relu" => SaeArchitecture.Relu,
        _ => throw new UsageException($"--architecture: '{name}' is not topk, batchtopk or relu"),
    };

    private static SaeQuality Evaluate(SparseAutoencoder sae, IActivationSource source, Opened opened)
    {
        var quality = SaeMetrics.Evaluate(sae, source);
        if (opened.Model is { Kind: ModelKind.CausalLm } model && opened.Site is not null && TextActivations.ResidPostLayer(opened.Site) is int layer)
            quality = quality with { CeLossRecovered = SaeSplice.Measure(model, sae, layer, opened.Sequences!.Take(64).ToList(), 8, opened.Tokenizer!.PadId).Recovered };
        return quality;
    }

    private static void WriteOutputs(CommandContext ctx, OutputFolder folder, string title, SaeQuality quality, object summary, Timings timings,
        List<KeyValuePair<string, object?>> facts)
    {
        var table = new CsvTable("tokens", "l0", "dead_fraction", "fvu", "explained_variance", "cosine", "ce_loss_recovered");
        table.AddRow(quality.Tokens, quality.L0, quality.DeadFraction, quality.Fvu, quality.ExplainedVariance, quality.Cosine, quality.CeLossRecovered);
        folder.WriteTable("quality.csv", table);
        var report = new Report(title).Summary(facts).Table(table, "Quality on the evaluation tokens (FVU about the mean of those tokens).", csvFileName: "quality.csv");
        folder.WriteReport(report);
        folder.WriteResults(ctx.Run(), timings, summary);
        if (ctx.Json) ctx.WriteJson(summary);
        else if (!ctx.Quiet)
            ctx.Stdout.WriteLine($"L0 {quality.L0:F2}, dead {quality.DeadFraction:P1}, FVU {quality.Fvu:F4} (explained variance {quality.ExplainedVariance:F4}), cosine {quality.Cosine:F4}" +
                                 (double.IsNaN(quality.CeLossRecovered) ? "" : $", CE loss recovered {quality.CeLossRecovered:F4}") + $"\nfolder: {folder.Path}");
    }
}
