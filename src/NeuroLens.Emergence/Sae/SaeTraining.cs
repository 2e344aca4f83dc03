using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Runtime;
using NeuroLens.Emergence.Activations;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Sae;

/// <summary>
/// Trains an SAE on an activation source: estimates the input scale and b_dec from the first rows,
/// streams shuffled batches through <see cref="ActivationBuffer"/> into a <see cref="SaeTrainer"/>, saves
/// checkpoints and resumes from them.
/// </summary>
/// <remarks>
/// Resuming is exact: the batch sequence depends only on the source and the seed, so a resumed run skips
/// the batches already trained on (re-reading them, without computing) and continues with the same
/// batches, weights and optimizer state as the uninterrupted run.
/// </remarks>
public static class SaeTraining
{
    /// <summary>Rows used to estimate the input scale and the decoder bias.</summary>
    public const int InitializationRows = 65536;

    /// <summary>Trains an SAE with <paramref name="options"/> on <paramref name="source"/>.</summary>
    /// <param name="source">The activations (model units).</param>
    /// <param name="options">The recipe.</param>
    /// <param name="checkpointFolder">Where checkpoints go (and are resumed from), or null for none.</param>
    /// <param name="resume">Continue from the checkpoint in <paramref name="checkpointFolder"/> when there is one.</param>
    /// <param name="progress">Receives one update per step (unit: tokens).</param>
    /// <param name="onStep">Called after every step with its numbers (losses, L0, dead fraction).</param>
    /// <param name="cancellation">Stops at the next step boundary, saving a checkpoint when a folder is given.</param>
    public static SaeTrainingResult Train(IActivationSource source, SaeTrainingOptions options, string? checkpointFolder = null,
        bool resume = false, IProgress<ProgressUpdate>? progress = null, Action<SaeStepResult>? onStep = null,
        CancellationToken cancellation = default)
    {
        options.Validate();
        if (source.Rows < 1) throw new NeuroLensException("activations: the source has no rows");
        int d = source.Dimension;
        int latents = options.Latents ?? options.LatentsPerInput * d;
        long tokens = options.Tokens ?? source.Rows * options.Epochs;
        long totalSteps = (tokens + options.BatchSize - 1) / options.BatchSize;
        long deadAfter = options.DeadAfterTokens ?? Math.Max(1, Math.Min(10_000_000L, tokens / 10));

        SaeCheckpoint.State? saved = resume && checkpointFolder is not null ? SaeCheckpoint.TryLoad(checkpointFolder) : null;
        SparseAutoencoder sae;
        if (saved is not null)
        {
            sae = saved.Sae;
            if (sae.InputSize != d || sae.Latents != latents || sae.Architecture != options.Architecture || (sae.K != options.K && options.Architecture != SaeArchitecture.Relu))
            {
                sae.Dispose();
                throw new NeuroLensException($"{checkpointFolder}: the checkpoint is for another recipe ({sae.Architecture}, d_in {sae.InputSize}, d_sae {sae.Latents}); remove it or drop --resume");
            }
        }
        else
        {
            sae = SparseAutoencoder.Initialize(options.Architecture, d, latents, options.K, options.Seed);
            InitializeFromData(sae, source, options);
        }

        using var trainer = new SaeTrainer(sae, options, totalSteps, deadAfter);
        if (saved is not null) saved.RestoreInto(trainer);
        long toSkip = trainer.Step;
        var fvus = new List<double>();
        bool completed = true;
        foreach (var batch in ActivationBuffer.Batches(source, options.BatchSize, options.BufferSize, options.Seed + 1, tokens))
        {
            using (batch)
            {
                if (toSkip > 0)
                {
                    // Trained on before the resume: the same batch sequence is replayed without training.
                    toSkip--;
                    continue;
                }
                if (cancellation.IsCancellationRequested)
                {
                    completed = false;
                    break;
                }
                var result = trainer.TrainStep(batch);
                fvus.Add(result.Fvu);
                onStep?.Invoke(result);
                progress?.Report(new ProgressUpdate("training SAE", trainer.TokensSeen, tokens, "tokens"));
                if (checkpointFolder is not null && options.CheckpointEvery > 0 && trainer.Step % options.CheckpointEvery == 0)
                    SaeCheckpoint.Save(checkpointFolder, trainer);
            }
        }
        if (checkpointFolder is not null) SaeCheckpoint.Save(checkpointFolder, trainer);
        int tail = Math.Max(1, fvus.Count / 10);
        double finalFvu = fvus.Count == 0 ? double.NaN : fvus.Skip(fvus.Count - tail).Average();
        if (sae.Architecture == SaeArchitecture.BatchTopK && sae.Threshold is not null)
        {
            // Latents that never kept an activation never fire at inference.
            using var nan = sae.Threshold.isnan();
            sae.Threshold.masked_fill_(nan, TorchScalars.Of(double.PositiveInfinity));
        }
        return new SaeTrainingResult(sae, trainer.Step, trainer.TokensSeen, options.EffectiveLearningRate(latents), finalFvu,
            trainer.DeadFraction(), completed);
    }

    /// <summary>Sets the input scale (E‖c·x‖ = sqrt(d)) and b_dec from the first rows of the source.</summary>
    public static void InitializeFromData(SparseAutoencoder sae, IActivationSource source, SaeTrainingOptions options)
    {
        using var scope = NewDisposeScope();
        var rows = new List<Tensor>();
        long count = 0;
        foreach (var chunk in source.ReadChunks())
        {
            rows.Add(chunk);
            count += chunk.shape[0];
            if (count >= InitializationRows) break;
        }
        var sample = cat(rows, 0);
        if (sample.shape[0] > InitializationRows) sample = sample.narrow(0, 0, InitializationRows);
        double meanNorm = sample.norm(1).mean().item<float>();
        sae.InputScale = options.ScaleInputs && meanNorm > 0 ? Math.Sqrt(sae.InputSize) / meanNorm : 1.0;
        using var inputScale = sae.InputScale.ToScalar();
        var scaled = sample.mul(inputScale);
        using var noGrad = no_grad();
        switch (options.DecoderBiasInit)
        {
            case DecoderBiasInit.Mean:
                sae.BDec.copy_(scaled.mean([0]));
                break;
            case DecoderBiasInit.GeometricMedian:
                sae.BDec.copy_(GeometricMedian.Compute(scaled));
                break;
            case DecoderBiasInit.Zero:
                sae.BDec.zero_();
                break;
        }
    }
}
