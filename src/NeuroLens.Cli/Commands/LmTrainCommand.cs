using System.CommandLine;
using System.Diagnostics;
using NeuroLens.Core.Reports;
using NeuroLens.Models.Training;

namespace NeuroLens.Cli.Commands;

/// <summary><c>neurolens lm train</c>: a GPT-NeoX model of a preset, trained from scratch on text files.</summary>
internal static class LmTrainCommand
{
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var defaults = new LmTrainingOptions();
        var corpus = new Option<string[]>("--corpus")
        {
            Description = "Training text: files and folders (every file under a folder), one document per file; a folder from 'corpus make' (train.txt, validation.txt, tokenizer) brings its split and tokenizer; 'built-in' generates the built-in corpus into OUT/corpus.",
            Required = true, AllowMultipleArgumentsPerToken = true, HelpName = "DIR|FILE",
        };
        var preset = new Option<string>("--preset")
        {
            Description = $"Model size: {string.Join(", ", LmPresets.All.Select(p => $"{p.Name} (d_model {p.HiddenSize}, {p.Layers} layers, {p.Heads} heads)"))}.",
            DefaultValueFactory = _ => LmPresets.Tiny.Name,
        };
        preset.AcceptOnlyFromAmong([.. LmPresets.All.Select(p => p.Name)]);
        var steps = new Option<int>("--steps") { Description = "Optimizer steps.", DefaultValueFactory = _ => defaults.Steps, HelpName = "N" };
        var batch = new Option<int>("--batch-size") { Description = "Sequences per step.", DefaultValueFactory = _ => defaults.BatchSize, HelpName = "B" };
        var contextLength = new Option<int>("--context") { Description = "Tokens per sequence (the model's context length).", DefaultValueFactory = _ => defaults.Context, HelpName = "L" };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (AdamW).", DefaultValueFactory = _ => defaults.LearningRate };
        var minLr = new Option<double>("--min-lr") { Description = "Learning rate at the end of the cosine decay.", DefaultValueFactory = _ => defaults.MinLearningRate };
        var warmup = new Option<int>("--warmup") { Description = "Linear warm-up steps.", DefaultValueFactory = _ => defaults.WarmupSteps, HelpName = "N" };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay of matrices and embeddings (none on biases and LayerNorm weights).", DefaultValueFactory = _ => defaults.WeightDecay };
        var clip = new Option<double>("--grad-clip") { Description = "Largest global gradient norm (0: no clipping).", DefaultValueFactory = _ => defaults.GradClip };
        var every = new Option<int>("--checkpoint-every") { Description = "After the log-spaced checkpoints 0, 1, 2, 4, ..., 512: one every K steps (and the final step).", DefaultValueFactory = _ => defaults.CheckpointEvery, HelpName = "K" };
        var tokenizer = new Option<string?>("--tokenizer") { Description = "A folder with tokenizer.json (or vocab.txt); default: train a byte-level BPE on the corpus.", HelpName = "DIR" };
        var vocab = new Option<int>("--vocab-size") { Description = "Vocabulary of the byte-level BPE trained when no --tokenizer is given.", DefaultValueFactory = _ => 4096, HelpName = "V" };
        var corpusMb = new Option<double>("--corpus-mb") { Description = "Size of the generated corpus with --corpus built-in (megabytes, about).", DefaultValueFactory = _ => 2.0, HelpName = "M" };
        var validationWindows = new Option<int>("--validation-windows") { Description = "Validation windows scored at each checkpoint (at most).", DefaultValueFactory = _ => defaults.MaxValidationWindows, HelpName = "N" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its training state (same options, corpus and --threads give the same final weights)." };
        var stopAfter = new Option<int?>("--stop-after") { Description = "Stop after N steps of this invocation, saving the training state (continue with --resume).", HelpName = "N" };
        var command = new Command("train", "Train a GPT-NeoX model of a size preset from scratch on text: Pythia-like checkpoints as Hugging Face folders, validation perplexity, loss curve.")
            { corpus, preset, steps, batch, contextLength, lr, minLr, warmup, weightDecay, clip, every, tokenizer, vocab, corpusMb, validationWindows, resume, stopAfter };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var options = new LmTrainingOptions
            {
                Preset = LmPresets.Get(parse.GetValue(preset)!),
                Steps = parse.GetValue(steps),
                BatchSize = parse.GetValue(batch),
                Context = parse.GetValue(contextLength),
                LearningRate = parse.GetValue(lr),
                MinLearningRate = parse.GetValue(minLr),
                WarmupSteps = parse.GetValue(warmup),
                WeightDecay = parse.GetValue(weightDecay),
                GradClip = parse.GetValue(clip),
                CheckpointEvery = parse.GetValue(every),
                MaxValidationWindows = parse.GetValue(validationWindows),
                Seed = ctx.Seed,
                Resume = parse.GetValue(resume),
                StopAfter = parse.GetValue(stopAfter),
            };
            var folder = ctx.Output;
            var timings = new Timings();
            long tokensPerStep = (long)options.BatchSize * options.Context;
            Stopwatch? clock = null;
            int firstStep = 0;
            // One line per checkpoint on stderr; the rate is measured from the first checkpoint of this invocation.
            void Log(LmCheckpoint c)
            {
                if (ctx.Quiet || ctx.Json) return;
                if (clock is null) (clock, firstStep) = (Stopwatch.StartNew(), c.Step);
                double seconds = clock.Elapsed.TotalSeconds;
                double rate = seconds > 0 && c.Step > firstStep ? (c.Step - firstStep) * tokensPerStep / seconds : 0;
                string eta = rate > 0 ? TimeSpan.FromSeconds((options.Steps - c.Step) * tokensPerStep / rate).ToString(@"h\:mm\:ss") : "-";
                string loss = c.TrainLoss is double l ? $"loss {l:F3}" : "loss -";
                ctx.Stderr.WriteLine($"step {c.Step}/{options.Steps}  {loss}  val ppl {c.ValidationPerplexity:F2}  lr {c.LearningRate:G3}  {rate:F0} tokens/s  ETA {eta}");
            }
            LmTrainingRunResult run;
            using (timings.Measure("train"))
                run = ctx.WithProgress(progress => LmTrainingRun.Run(parse.GetValue(corpus)!, parse.GetValue(tokenizer), parse.GetValue(vocab),
                    options, folder.Path, progress, Log, builtInMegabytes: parse.GetValue(corpusMb)));
            var t = run.Training;

            var lossTable = new CsvTable("step", "loss");
            for (int i = 0; i < t.Losses.Count; i++) lossTable.AddRow(i + 1, t.Losses[i]);
            folder.WriteTable("loss.csv", lossTable);
            var checkpoints = new CsvTable("step", "tokens", "train_loss", "validation_loss", "validation_perplexity", "folder");
            foreach (var c in t.Checkpoints) checkpoints.AddRow(c.Step, c.Tokens, c.TrainLoss, c.ValidationLoss, c.ValidationPerplexity, c.Folder);

            var report = new Report("Language-model training");
            report.Summary([
                new("preset", options.Preset.Name), new("parameters", run.Parameters), new("vocabulary", run.VocabSize),
                new("training tokens", run.TrainTokens), new("validation tokens", run.ValidationTokens),
                new("steps", $"{t.Step} of {options.Steps}"), new("tokens/s (this invocation)", t.TokensPerSecond),
                new("validation perplexity at step 0", t.Checkpoints[0].ValidationPerplexity),
                new($"validation perplexity at step {t.Checkpoints[^1].Step}", t.Checkpoints[^1].ValidationPerplexity),
            ]);
            if (t.Losses.Count > 0)
                report.Figure(Plots.Lines([new PlotSeries("training loss", [.. Enumerable.Range(1, t.Losses.Count).Select(i => (double)i)], [.. t.Losses])],
                    new PlotOptions { Title = "Training loss", XLabel = "step", YLabel = "cross-entropy (nats/token)" }), "loss.png", "Training cross-entropy of every update.");
            report.Figure(Plots.Lines([new PlotSeries("validation", [.. t.Checkpoints.Select(c => Math.Log2(c.Step + 1))], [.. t.Checkpoints.Select(c => c.ValidationPerplexity)], SeriesStyle.LineAndMarkers)],
                new PlotOptions { Title = "Validation perplexity at the checkpoints", XLabel = "log2(step + 1)", YLabel = "perplexity" }),
                "validation.png", "Validation perplexity at each checkpoint (Pythia-like schedule, so the step axis is logarithmic).");
            report.Table(checkpoints, "Checkpoints", csvFileName: LmTrainer.ValidationCsv);
            folder.WriteReport(report);

            var summary = new
            {
                Preset = options.Preset.Name,
                Config = options.Preset.ToConfig(run.VocabSize, options.Context).ToJson(),
                run.Parameters,
                run.VocabSize,
                run.TokenizerTrained,
                Tokenizer = Path.GetRelativePath(folder.Path, run.TokenizerFolder),
                Corpus = run.Files,
                run.TrainTokens,
                run.ValidationTokens,
                options.Steps, options.BatchSize, options.Context, options.LearningRate, options.MinLearningRate, options.WarmupSteps,
                options.WeightDecay, options.Beta1, options.Beta2, options.GradClip, options.CheckpointEvery, options.Seed,
                t.StartStep,
                t.Step,
                t.Completed,
                t.TokensPerSecond,
                LossCurve = t.Losses,
                t.Checkpoints,
                FinalValidationPerplexity = t.Checkpoints[^1].ValidationPerplexity,
            };
            folder.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else if (!ctx.Quiet)
                ctx.Stdout.WriteLine($"{(t.Completed ? "trained" : "stopped at")} step {t.Step}: validation perplexity {t.Checkpoints[0].ValidationPerplexity:F2} at step 0, " +
                    $"{t.Checkpoints[^1].ValidationPerplexity:F2} at step {t.Checkpoints[^1].Step}; checkpoints in {folder.GetPath("checkpoints")}");
            return ExitCodes.Success;
        });
        return command;
    }
}
