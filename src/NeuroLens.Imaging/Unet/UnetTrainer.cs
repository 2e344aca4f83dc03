using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Unet;

/// <summary>
/// Trains a <see cref="UNet"/> on random patches of image/target volumes with Adam (<see cref="AdamOptimizer"/>) and the
/// <see cref="BceDiceLoss"/>, checkpointing every <see cref="UnetTrainingOptions.CheckpointEvery"/>
/// steps. Deterministic: the same network seed, data, options and thread count give the same weights,
/// and a run interrupted and resumed from a checkpoint ends with the weights of the uninterrupted run.
/// </summary>
public sealed class UnetTrainer
{
    private readonly UNet model;
    private readonly UnetTrainingOptions options;

    /// <summary>A trainer that updates <paramref name="model"/> in place on the model's device.</summary>
    public UnetTrainer(UNet model, UnetTrainingOptions options)
    {
        if (options.BatchSize < 1) throw new NeuroLensException($"U-Net training: BatchSize is {options.BatchSize}, expected at least 1.");
        if (options.Steps < 0) throw new NeuroLensException($"U-Net training: Steps is {options.Steps}, expected 0 or more.");
        if (!(options.LearningRate > 0)) throw new NeuroLensException($"U-Net training: LearningRate is {options.LearningRate}, expected a positive number.");
        if (options.CheckpointEvery < 1) throw new NeuroLensException($"U-Net training: CheckpointEvery is {options.CheckpointEvery}, expected at least 1.");
        if (options.KeepCheckpoints < 0) throw new NeuroLensException($"U-Net training: KeepCheckpoints is {options.KeepCheckpoints}, expected 0 or more.");
        this.model = model;
        this.options = options;
    }

    /// <summary>
    /// Runs the optimisation up to <see cref="UnetTrainingOptions.Steps"/> (from the latest checkpoint
    /// when <see cref="UnetTrainingOptions.Resume"/> is set and one exists), reporting one progress
    /// update per step. Cancellation stops between steps; the last checkpoint then stays the resume point.
    /// </summary>
    public UnetTrainingResult Train(IReadOnlyList<UnetTrainingPair> data, IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        if (options.Augment && model.Config.OutChannels > 1)
            throw new NeuroLensException($"U-Net training: flip/rotate augmentation would mix up the {model.Config.OutChannels} target channels if they are affinities (a flip or quarter turn changes their offsets); set Augment to false.");
        using var sampler = new PatchSampler(data, model.Config, options.PatchSize);
        var device = model.Device;
        using var optimizer = AdamOptimizer.Adam(model.parameters());
        var losses = new List<double>();
        int step = 0;
        string? checkpoint = null;
        string? directory = options.CheckpointDirectory;
        if (options.Resume && directory is not null && UnetCheckpoint.FindLatest(directory) is string latest)
        {
            var state = UnetCheckpoint.RestoreTraining(latest, model, optimizer);
            if (state.Seed != options.Seed)
                throw new NeuroLensException($"{latest}: checkpoint was trained with seed {state.Seed}, this run has seed {options.Seed}; resume with the same seed.");
            if (state.Step > options.Steps)
                throw new NeuroLensException($"{latest}: checkpoint is at step {state.Step}, beyond this run's {options.Steps} steps.");
            step = state.Step;
            losses.AddRange(state.Losses);
            checkpoint = latest;
        }
        int startStep = step;

        model.train();
        progress?.Report(new ProgressUpdate("training U-Net", step, options.Steps, "steps"));
        while (step < options.Steps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                var (images, targets) = sampler.Sample(StepRandom(options.Seed, step), options.BatchSize, options.Augment);
                var x = images.to(device);
                var t = targets.to(device);
                optimizer.ZeroGrad();
                var logits = model.call(x);
                var loss = options.Loss.Compute(logits, t);
                loss.backward();
                optimizer.Step(options.LearningRate);
                losses.Add(loss.item<float>());
            }
            step++;
            progress?.Report(new ProgressUpdate("training U-Net", step, options.Steps, "steps"));
            if (directory is not null && (step % options.CheckpointEvery == 0 || step == options.Steps))
                checkpoint = UnetCheckpoint.SaveTraining(directory, model, optimizer, new UnetTrainingState(step, options.Seed, losses.ToArray()), options.KeepCheckpoints);
        }
        return new UnetTrainingResult(startStep, step, losses, checkpoint);
    }

    // SplitMix64 finaliser over (seed, step): a well-mixed, platform-independent seed per step.
    internal static Random StepRandom(long seed, int step)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)step + 0x632BE59BD9B4E019UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return new Random(unchecked((int)z));
    }
}
