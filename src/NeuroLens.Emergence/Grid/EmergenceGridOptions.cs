using NeuroLens.Emergence.Concepts;
using NeuroLens.Emergence.Sae;

namespace NeuroLens.Emergence.Grid;

/// <summary>A grid of cells (model size, checkpoint, layer) and the one recipe applied to each (emergence.md §1).</summary>
public sealed record EmergenceGridOptions
{
    /// <summary>The model folders (one per size); each an <c>lm train</c> run or a folder of <c>step{N}</c> checkpoints, or a single model.</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>Checkpoints: <c>all</c> or a comma-separated list of steps.</summary>
    public string Checkpoints { get; init; } = "all";

    /// <summary>Layers: null for all, else the block indices (resid_post[ℓ]).</summary>
    public IReadOnlyList<int>? Layers { get; init; }

    /// <summary>The concept categories.</summary>
    public required ConceptSet Concepts { get; init; }

    /// <summary>The evaluation texts (one per sequence; truncated to the model's context).</summary>
    public required IReadOnlyList<string> Texts { get; init; }

    /// <summary>Most tokens captured per checkpoint.</summary>
    public long MaxTokens { get; init; } = 50_000;

    /// <summary>Label only the first token of a multi-token word.</summary>
    public bool FirstTokenOnly { get; init; }

    /// <summary>The SAE recipe of every cell.</summary>
    public SaeTrainingOptions Sae { get; init; } = new();

    /// <summary>
    /// SAEs per cell, trained with seeds <see cref="SaeTrainingOptions.Seed"/> + 0, 1, … on the same cached activations (the
    /// "several SAE seeds" control). The emergence tables use the mean S_c over seeds (<see cref="SeedAggregate"/>); the
    /// per-seed S_c and s*_c go to <c>seeds.csv</c> and <c>seed-agreement.csv</c>. Default 1 (one SAE, as before).
    /// </summary>
    public int SaeSeeds { get; init; } = 1;

    /// <summary>Matching: τ, top-r, permutations.</summary>
    public MatchingOptions Matching { get; init; } = new();

    /// <summary>θ of emergence.</summary>
    public double Theta { get; init; } = Analysis.EmergenceAnalysis.DefaultTheta;

    /// <summary>δ of reactivation.</summary>
    public double Delta { get; init; } = Analysis.EmergenceAnalysis.DefaultDelta;

    /// <summary>Extra τ values for the sensitivity table (the main τ is always included).</summary>
    public IReadOnlyList<double> SensitivityTaus { get; init; } = [0.5, 1.0];

    /// <summary>θ values of the sensitivity table.</summary>
    public IReadOnlyList<double> SensitivityThetas { get; init; } = [0.3, 0.4, 0.5, 0.6, 0.7];

    /// <summary>Sequences used for CE loss recovered (causal models; 0 skips it).</summary>
    public int CeSequences { get; init; } = 32;

    /// <summary>Fraction of the captured tokens held out from SAE training for the quality metrics.</summary>
    public double EvaluationFraction { get; init; } = 0.1;

    /// <summary>Sequences per forward pass.</summary>
    public int BatchSize { get; init; } = 16;
}
