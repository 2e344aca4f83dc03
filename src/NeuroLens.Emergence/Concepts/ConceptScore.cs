namespace NeuroLens.Emergence.Concepts;

/// <summary>The match of one category to an SAE's latents.</summary>
/// <param name="Category">The category.</param>
/// <param name="Positions">|T_c|: positions labelled with the category.</param>
/// <param name="Score">S_c: the best latent's F1 (or that of the top-r union).</param>
/// <param name="BestLatent">The latent with the highest F1 (-1 when no latent ever fires on the category).</param>
/// <param name="Precision">P of the best latent (or the union).</param>
/// <param name="Recall">R of the best latent (or the union).</param>
/// <param name="Latents">The latents whose union gives <see cref="Score"/> (the best one when r = 1).</param>
/// <param name="NullQuantile">The <see cref="MatchingOptions.NullQuantile"/> quantile of S_c under shuffled labels (NaN without permutations).</param>
/// <param name="PValue">(1 + #{null ≥ S_c}) / (1 + permutations) (NaN without permutations).</param>
public sealed record ConceptScore(string Category, int Positions, double Score, int BestLatent, double Precision, double Recall,
    IReadOnlyList<int> Latents, double NullQuantile, double PValue)
{
    /// <summary>Whether S_c exceeds its null quantile.</summary>
    public bool Significant => !double.IsNaN(NullQuantile) && Score > NullQuantile;
}
