using NeuroLens.Imaging.Metrics;
using NeuroLens.Imaging.Unet;

namespace NeuroLens.Transfer;

/// <summary>Options of <see cref="TransferStudy.Run"/>; defaults are the CPU reproduction's setting.</summary>
public sealed record TransferStudyOptions
{
    /// <summary>Architecture of every source model and scratch baseline.</summary>
    public UNetConfig Network { get; init; } = new() { Depth = 2, BaseWidth = 8 };

    /// <summary>Training of each domain's source model on its training patches.</summary>
    public TrainingBudget SourceTraining { get; init; } = new() { Steps = 400 };

    /// <summary>Budget of every fine-tuning run and of its scratch baseline (the same for both).</summary>
    public TrainingBudget FineTuning { get; init; } = new() { Steps = 80 };

    /// <summary>Annotated target patches n of the fine-tuning comparison.</summary>
    public IReadOnlyList<int> Counts { get; init; } = [1, 2, 4, 8];

    /// <summary>Seeds of the comparison MMD-chosen source vs worst source vs scratch (each seed: selection, crops, scratch init).</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>The strategy of the three-way comparison (the paper's median-uncertainty rule by default).</summary>
    public SelectionStrategy ComparisonStrategy { get; init; } = SelectionStrategy.MedianUncertainty;

    /// <summary>Strategies fine-tuned from the MMD-chosen source for every n (with <see cref="StrategySeeds"/> seeds).</summary>
    public IReadOnlyList<SelectionStrategy> Strategies { get; init; } = SelectionStrategies.All;

    /// <summary>Seeds of the strategy sweep.</summary>
    public int StrategySeeds { get; init; } = 1;

    /// <summary>Query rounds of the selection (see <see cref="SelectionOptions.Rounds"/>).</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>Annotated patches per run of the brute-force transfer matrix (random picks).</summary>
    public int MatrixCount { get; init; } = 4;

    /// <summary>Seeds averaged per cell of the brute-force transfer matrix.</summary>
    public int MatrixSeeds { get; init; } = 2;

    /// <summary>Permutations of each MMD² test and of the Mantel test.</summary>
    public int Permutations { get; init; } = 200;

    /// <summary>
    /// VI convention: which label-0 voxels are left out. Synthetic EM has no label 0, so it matters for
    /// file data only, where 0 means unlabelled (CREMI): the default leaves out truth label 0.
    /// </summary>
    public IgnoreZero Ignore { get; init; } = IgnoreZero.InTruth;

    /// <summary>Base seed of the whole study.</summary>
    public int Seed { get; init; }

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        Network.Validate();
        if (Counts.Count == 0 || Counts.Any(n => n < 1)) throw new Core.NeuroLensException("transfer study: Counts must be positive annotation sizes.");
        if (Seeds < 1 || StrategySeeds < 1 || MatrixSeeds < 1) throw new Core.NeuroLensException("transfer study: every seed count must be at least 1.");
        if (MatrixCount < 1) throw new Core.NeuroLensException($"transfer study: MatrixCount is {MatrixCount}, expected at least 1.");
        if (Permutations < 0) throw new Core.NeuroLensException($"transfer study: Permutations is {Permutations}, expected 0 or more.");
    }
}
