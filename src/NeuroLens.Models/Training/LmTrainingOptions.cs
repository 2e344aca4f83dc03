namespace NeuroLens.Models.Training;

/// <summary>
/// Everything that decides a training run of <see cref="LmTrainer"/>. The same options, data, seed
/// and thread count give the same weights, bit for bit, on the CPU.
/// </summary>
public sealed record LmTrainingOptions
{
    /// <summary>Model size (the model itself is built by the caller from <see cref="LmPreset.CreateModel"/>).</summary>
    public LmPreset Preset { get; init; } = LmPresets.Tiny;

    /// <summary>Optimizer steps in all (the final checkpoint is at this step).</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Sequences per step.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Tokens per training sequence (each window holds <c>Context + 1</c> tokens: inputs and shifted targets).</summary>
    public int Context { get; init; } = 128;

    /// <summary>Peak learning rate, reached at the end of the warm-up.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Linear warm-up steps from 0 to <see cref="LearningRate"/>.</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>The learning rate the cosine decay ends at, on the final step.</summary>
    public double MinLearningRate { get; init; } = 1e-4;

    /// <summary>Decoupled (AdamW) weight decay of matrices and embeddings; biases and LayerNorm weights get none.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Adam β1.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam β2 (Pythia: 0.95).</summary>
    public double Beta2 { get; init; } = 0.95;

    /// <summary>Adam ε.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Gradients are scaled so their global L2 norm is at most this (0: no clipping).</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>Seeds the weight initialisation and the data order.</summary>
    public int Seed { get; init; }

    /// <summary>After the log-spaced checkpoints up to 512, one checkpoint every this many steps (Pythia: 1000).</summary>
    public int CheckpointEvery { get; init; } = 1000;

    /// <summary>At most this many validation windows (non-overlapping, <see cref="Context"/> tokens each: the first ones of the validation stream) are scored at each checkpoint.</summary>
    public int MaxValidationWindows { get; init; } = 64;

    /// <summary>Continue from the training state in the output folder instead of starting afresh.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Stop after this many optimizer steps in this invocation (the training state is saved there), as
    /// an interruption would; null to run to <see cref="Steps"/>. For tests and for splitting a long run.
    /// </summary>
    public int? StopAfter { get; init; }
}
