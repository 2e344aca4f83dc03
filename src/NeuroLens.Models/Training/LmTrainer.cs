using System.Diagnostics;
using NeuroLens.Core;
using NeuroLens.Core.IO;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Runtime;
using NeuroLens.Core.TensorFiles;
using NeuroLens.Models.Checkpoints;
using NeuroLens.Models.Data;
using NeuroLens.Models.Evaluation;
using NeuroLens.Models.Language;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroLens.Models.Training;

/// <summary>
/// Trains a causal language model from scratch on a token stream: AdamW (<see cref="AdamOptimizer"/>, PyTorch's update,
/// decoupled weight decay on matrices and embeddings, none on biases and LayerNorm weights — every
/// parameter of fewer than two dimensions), linear warm-up and cosine decay (<see cref="LrSchedule"/>),
/// global-norm gradient clipping (<c>clip_grad_norm_</c>), the seeded window order of
/// <see cref="TrainingDataOrder"/>, and checkpoints on <see cref="CheckpointSchedule"/>.
/// <para>
/// Output folder layout: <c>checkpoints/step{N}/</c> (a complete Hugging Face folder: <c>config.json</c>,
/// <c>model.safetensors</c> and the tokenizer's files), <c>validation.csv</c> (one row per checkpoint) and
/// <c>training-state/</c> (weights, optimizer and <c>state.json</c> of the latest checkpoint or stop),
/// each written atomically. A run resumed from its training state ends with the same weights, bit for
/// bit, as an uninterrupted one with the same thread count on the CPU.
/// </para>
/// </summary>
public sealed class LmTrainer
{
    /// <summary>The file name of the per-checkpoint validation log.</summary>
    public const string ValidationCsv = "validation.csv";

    private readonly LmTrainingOptions _options;

    /// <summary>A trainer with these options (checked here).</summary>
    public LmTrainer(LmTrainingOptions options)
    {
        if (options.Steps < 1) throw new NeuroLensException($"--steps {options.Steps}: expected at least 1");
        if (options.BatchSize < 1) throw new NeuroLensException($"--batch-size {options.BatchSize}: expected at least 1");
        if (options.Context < 1) throw new NeuroLensException($"--context {options.Context}: expected at least 1");
        if (options.CheckpointEvery < 1) throw new NeuroLensException($"--checkpoint-every {options.CheckpointEvery}: expected at least 1");
        if (options.WeightDecay < 0) throw new NeuroLensException($"weight decay {options.WeightDecay}: expected 0 or more");
        if (!(options.Beta1 is >= 0 and < 1) || !(options.Beta2 is >= 0 and < 1)) throw new NeuroLensException($"Adam betas ({options.Beta1}, {options.Beta2}): expected each in [0, 1)");
        if (!(options.GradClip >= 0)) throw new NeuroLensException($"gradient clip {options.GradClip}: expected 0 (off) or a positive norm");
        if (options.MaxValidationWindows < 1) throw new NeuroLensException($"validation windows {options.MaxValidationWindows}: expected at least 1");
        if (options.StopAfter is < 1) throw new NeuroLensException($"stop after {options.StopAfter} steps: expected at least 1");
        _ = new LrSchedule(options.LearningRate, options.MinLearningRate, options.WarmupSteps, options.Steps);
        _options = options;
    }

    /// <summary>
    /// Trains <paramref name="model"/> (freshly built from the preset's config; its weights are replaced
    /// by <see cref="LmInitialization"/>, or by the training state when resuming) and writes the output
    /// folder. <paramref name="tokenizerFolder"/>'s tokenizer files (<see cref="LmTrainingRun.TokenizerFiles"/>) are copied into every checkpoint.
    /// </summary>
    /// <param name="model">A causal LM whose context is at least <see cref="LmTrainingOptions.Context"/>, on the device to train on.</param>
    /// <param name="train">Training token ids.</param>
    /// <param name="validation">Validation token ids (held out from <paramref name="train"/>).</param>
    /// <param name="outputFolder">Where checkpoints, the validation log and the training state go.</param>
    /// <param name="tokenizerFolder">A folder of tokenizer files (<c>tokenizer.json</c>, ...), or null for none.</param>
    /// <param name="progress">Tokens trained so far of the whole run.</param>
    /// <param name="onCheckpoint">Called after each checkpoint is saved (for logging).</param>
    /// <param name="cancellationToken">Stops between updates; the training state is saved at the stop.</param>
    public LmTrainingResult Train(ILanguageModel model, IReadOnlyList<int> train, IReadOnlyList<int> validation, string outputFolder,
        string? tokenizerFolder, IProgress<ProgressUpdate>? progress = null, Action<LmCheckpoint>? onCheckpoint = null,
        CancellationToken cancellationToken = default)
    {
        var o = _options;
        if (model.Kind != ModelKind.CausalLm) throw new NeuroLensException($"lm train: a {model.ModelType} model is not a causal language model");
        if (model.MaxPositions < o.Context) throw new NeuroLensException($"--context {o.Context}: the model holds only {model.MaxPositions} positions");
        foreach (int id in train.Concat(validation))
            if ((uint)id >= (uint)model.VocabSize) throw new NeuroLensException($"token id {id} is outside the model's vocabulary of {model.VocabSize}");
        if (validation.Count < o.Context)
            throw new NeuroLensException($"the validation text has {validation.Count} tokens, fewer than one window of {o.Context}; give more text");
        if (tokenizerFolder is not null && !Directory.Exists(tokenizerFolder)) throw new NeuroLensException($"{tokenizerFolder}: tokenizer folder not found");

        var order = new TrainingDataOrder(train.Count, o.Context, o.BatchSize, o.Seed);
        var schedule = new LrSchedule(o.LearningRate, o.MinLearningRate, o.WarmupSteps, o.Steps);
        string statePath = Path.Combine(outputFolder, LmTrainingState.FolderName);
        string fingerprint = LmTrainingState.Fingerprint(o);

        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var (_, p) in model.Module.named_parameters()) (p.dim() >= 2 ? decay : noDecay).Add(p);
        using var optimizer = AdamOptimizer.AdamW(
            [new AdamParameterGroup(decay, o.WeightDecay), new AdamParameterGroup(noDecay, 0.0)], o.Beta1, o.Beta2, o.Epsilon);

        LmTrainingState state;
        if (o.Resume)
        {
            if (!LmTrainingState.IsStateFolder(statePath))
                throw new NeuroLensException($"{outputFolder}: --resume, but there is no training state ({LmTrainingState.FolderName}/{LmTrainingState.FileName}) to continue from");
            state = LmTrainingState.Read(statePath);
            if (state.Options != fingerprint)
                throw new NeuroLensException($"{statePath}: the run was started with other options; resume with the same preset, steps, batch, context, learning rates, seed and checkpoint interval");
            if (state.TrainTokens != train.Count || state.ValidationTokens != validation.Count)
                throw new NeuroLensException($"{statePath}: the run was started on {state.TrainTokens} training and {state.ValidationTokens} validation tokens, this one has {train.Count} and {validation.Count}; resume on the same text and tokenizer");
            Restore(statePath, model, optimizer);
        }
        else
        {
            if (Directory.Exists(statePath) || Directory.Exists(Path.Combine(outputFolder, "checkpoints")))
                throw new NeuroLensException($"{outputFolder}: already holds a training run; pass --resume to continue it or choose another --out");
            LmInitialization.Apply(model, o.Seed);
            state = new LmTrainingState { Options = fingerprint, TrainTokens = train.Count, ValidationTokens = validation.Count };
            state = SaveCheckpoint(model, optimizer, state, 0, 0, null, validation, outputFolder, tokenizerFolder, onCheckpoint);
        }

        int start = state.Step;
        var losses = new List<double>(state.Losses);
        int stopAt = Math.Min(o.Steps, o.StopAfter is int n ? start + n : o.Steps);
        long tokensPerStep = (long)o.BatchSize * o.Context;
        double lr = 0;
        int sinceCheckpoint = 0;
        double lossSum = 0;
        foreach (double l in losses.Skip(state.Checkpoints.Count > 0 ? state.Checkpoints[^1].Step : 0)) { lossSum += l; sinceCheckpoint++; }
        var clock = Stopwatch.StartNew();
        var parameters = decay.Concat(noDecay).ToList();
        var device = parameters.Count > 0 ? parameters[0].device : CPU;
        model.Module.train();
        progress?.Report(new ProgressUpdate("training", start * tokensPerStep, o.Steps * tokensPerStep, "tokens"));
        int step = start;
        bool saved = true;
        while (step < stopAt)
        {
            if (cancellationToken.IsCancellationRequested) break;
            lr = schedule.At(step);
            double loss;
            using (var scope = NewDisposeScope())
            {
                var batch = Batch(train, order.WindowsOf(step), order.WindowLength).to(device);
                var input = batch[.., ..o.Context];
                var target = batch[.., 1..];
                optimizer.ZeroGrad();
                var logits = model.Forward(input, ones_like(input));
                var ce = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), target.reshape(-1));
                ce.backward();
                if (o.GradClip > 0) nn.utils.clip_grad_norm_(parameters, o.GradClip);
                optimizer.Step(lr);
                loss = ce.item<float>();
            }
            if (!double.IsFinite(loss))
                throw new NeuroLensException($"lm train: the loss became {loss} at step {step + 1}; lower --lr or raise the warm-up");
            losses.Add(loss);
            lossSum += loss;
            sinceCheckpoint++;
            step++;
            saved = false;
            progress?.Report(new ProgressUpdate("training", step * tokensPerStep, o.Steps * tokensPerStep, "tokens"));
            if (CheckpointSchedule.Contains(step, o.Steps, o.CheckpointEvery))
            {
                state = state with { Losses = losses };
                state = SaveCheckpoint(model, optimizer, state, step, lr, lossSum / sinceCheckpoint, validation, outputFolder, tokenizerFolder, onCheckpoint);
                lossSum = 0;
                sinceCheckpoint = 0;
                saved = true;
            }
        }
        if (!saved)
        {
            var (epoch, position) = order.PositionOf(step);
            state = state with { Step = step, Epoch = epoch, Position = position, Losses = losses };
            SaveState(model, optimizer, state, outputFolder);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        double rate = step > start && seconds > 0 ? (step - start) * tokensPerStep / seconds : 0;
        return new LmTrainingResult(start, step, step == o.Steps, losses, state.Checkpoints, rate);
    }

    private LmTrainingState SaveCheckpoint(ILanguageModel model, AdamOptimizer optimizer, LmTrainingState state, int step, double lr, double? trainLoss,
        IReadOnlyList<int> validation, string outputFolder, string? tokenizerFolder, Action<LmCheckpoint>? onCheckpoint)
    {
        var o = _options;
        double nll = ValidationNll(model, validation, o.Context, o.MaxValidationWindows, o.BatchSize);
        string relative = $"checkpoints/step{step}";
        AtomicFile.WriteDirectory(Path.Combine(outputFolder, relative), temp =>
        {
            model.Save(temp);
            if (tokenizerFolder is not null)
                foreach (var name in LmTrainingRun.TokenizerFiles)
                    if (File.Exists(Path.Combine(tokenizerFolder, name)))
                        File.Copy(Path.Combine(tokenizerFolder, name), Path.Combine(temp, name));
        }, mayReplace: folder => File.Exists(Path.Combine(folder, "config.json")));
        var checkpoint = new LmCheckpoint(step, step * (long)o.BatchSize * o.Context, lr, trainLoss, nll, Math.Exp(nll), relative);
        var checkpoints = state.Checkpoints.Where(c => c.Step != step).Append(checkpoint).OrderBy(c => c.Step).ToList();
        var order = new TrainingDataOrder(state.TrainTokens, o.Context, o.BatchSize, o.Seed);
        var (epoch, position) = order.PositionOf(step);
        state = state with { Step = step, Epoch = epoch, Position = position, Checkpoints = checkpoints };
        var table = new CsvTable("step", "tokens", "learning_rate", "train_loss", "validation_loss", "validation_perplexity");
        foreach (var c in checkpoints) table.AddRow(c.Step, c.Tokens, c.LearningRate, c.TrainLoss, c.ValidationLoss, c.ValidationPerplexity);
        table.Write(Path.Combine(outputFolder, ValidationCsv));
        SaveState(model, optimizer, state, outputFolder);
        onCheckpoint?.Invoke(checkpoint);
        return state;
    }

    private static void SaveState(ILanguageModel model, AdamOptimizer optimizer, LmTrainingState state, string outputFolder)
    {
        AtomicFile.WriteDirectory(Path.Combine(outputFolder, LmTrainingState.FolderName), temp =>
        {
            StateDict.Save(model.Module, Path.Combine(temp, "model.safetensors"));
            optimizer.Save(Path.Combine(temp, LmTrainingState.OptimizerFileName));
            state.WriteTo(temp);
        }, mayReplace: LmTrainingState.IsStateFolder);
    }

    private static void Restore(string statePath, ILanguageModel model, AdamOptimizer optimizer)
    {
        using (var source = TensorFile.Open(Path.Combine(statePath, "model.safetensors")))
            StateDict.Load(model.Module, source, name => name);
        optimizer.Load(Path.Combine(statePath, LmTrainingState.OptimizerFileName));
    }

    /// <summary>
    /// The validation score: <see cref="Perplexity.Evaluate"/> (the protocol of <c>lm eval</c>) over the first
    /// <paramref name="maxWindows"/> non-overlapping windows of <paramref name="context"/> tokens of the
    /// validation stream; returns the mean per-window NLL, whose exp is the perplexity.
    /// </summary>
    public static double ValidationNll(ILanguageModel model, IReadOnlyList<int> validation, int context, int maxWindows, int batchSize)
    {
        int windows = Math.Min(maxWindows, validation.Count / context);
        if (windows < 1) throw new NeuroLensException($"the validation text has {validation.Count} tokens, fewer than one window of {context}");
        var batches = Enumerable.Range(0, (windows + batchSize - 1) / batchSize).Select(k =>
            TokenBatches.RightPadded(Enumerable.Range(k * batchSize, Math.Min(batchSize, windows - k * batchSize))
                .Select(w => (IReadOnlyList<int>)validation.Skip(w * context).Take(context).ToArray()).ToList(), 0));
        bool training = model.Module.training;
        model.Module.eval();
        try
        {
            return Perplexity.Evaluate(model, batches).MeanNll;
        }
        finally
        {
            model.Module.train(training);
        }
    }

    private static Tensor Batch(IReadOnlyList<int> tokens, int[] windows, int length)
    {
        var ids = new long[windows.Length * length];
        for (int b = 0; b < windows.Length; b++)
        {
            long offset = (long)windows[b] * length;
            for (int t = 0; t < length; t++) ids[b * length + t] = tokens[(int)(offset + t)];
        }
        return tensor(ids, [windows.Length, length]);
    }
}
