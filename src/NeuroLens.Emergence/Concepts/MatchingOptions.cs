namespace NeuroLens.Emergence.Concepts;

/// <summary>How latents are matched to concepts (emergence.md §4).</summary>
public sealed record MatchingOptions
{
    /// <summary>τ: latent j is active at t when f_j(x_t) &gt; τ.</summary>
    public double Threshold { get; init; } = 0;

    /// <summary>S_c is the F1 of the union of the top-r latents by F1 (r = 1: S_c = max_j F1_jc).</summary>
    public int TopR { get; init; } = 1;

    /// <summary>Permutations of the category labels over positions for the shuffled-label null (0: none).</summary>
    public int Permutations { get; init; } = 100;

    /// <summary>The null quantile reported next to S_c; S_c above it counts as significant.</summary>
    public double NullQuantile { get; init; } = 0.95;

    /// <summary>Seed of the permutations.</summary>
    public int Seed { get; init; } = 0;
}
