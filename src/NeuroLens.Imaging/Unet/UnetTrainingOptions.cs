namespace NeuroLens.Imaging.Unet;

/// <summary>Options of <see cref="UnetTrainer"/>. Defaults are the CPU-scale setting.</summary>
public sealed record UnetTrainingOptions
{
    /// <summary>
    /// Patch size per spatial axis (y, x for a 2D network; z, y, x for 3D); each a multiple of
    /// <see cref="UNetConfig.SizeMultiple"/> and at most the training volume's size.
    /// </summary>
    public int[] PatchSize { get; init; } = [128, 128];

    /// <summary>Patches per optimisation step.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Total optimisation steps of the run (a resumed run continues up to this count).</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Adam learning rate (β = 0.9, 0.999; ε = 1e-8; no weight decay).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// Seed of patch sampling and augmentation. Step <c>s</c> draws from a generator seeded by
    /// (seed, s), so the step counter is the whole random state and a resumed run draws what the
    /// uninterrupted run would have.
    /// </summary>
    public long Seed { get; init; }

    /// <summary>
    /// Apply random flips and 90° in-plane rotations (<see cref="FlipRotate"/>) to each patch and its
    /// target. Right for direction-free targets such as boundary maps; an affinity map is not: a flip or a
    /// quarter turn turns the affinity of one offset into that of another. Training a network with more
    /// than one output channel therefore requires this to be false (compute affinities from augmented
    /// labels instead).
    /// </summary>
    public bool Augment { get; init; } = true;

    /// <summary>The loss and its weights.</summary>
    public BceDiceLoss Loss { get; init; } = new();

    /// <summary>
    /// Folder of checkpoints (<c>step-NNNNNNNN</c> subfolders); null: no checkpoints. Without
    /// <see cref="Resume"/> a run starts afresh and replaces checkpoints of the same steps.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Write a checkpoint every this many steps, and always after the last step.</summary>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Checkpoints kept in <see cref="CheckpointDirectory"/>; older ones are deleted (0 keeps all).</summary>
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>
    /// Continue from the latest checkpoint in <see cref="CheckpointDirectory"/> (weights, optimizer
    /// state, step and loss history) when there is one; start afresh when there is none.
    /// </summary>
    public bool Resume { get; init; }
}
