using NeuroLens.Emergence.Concepts;
using NeuroLens.Emergence.Sae;

namespace NeuroLens.Emergence.Grid;

/// <summary>
/// What one cell's SAE produced (saved as <c>cell.json</c>, whose presence marks that cell and seed done); with several SAE
/// seeds, also the per-cell mean over seeds built by <see cref="SeedAggregate"/> (<see cref="Seed"/> = -1).
/// </summary>
/// <param name="Model">The model's name (its folder name).</param>
/// <param name="Step">The checkpoint step.</param>
/// <param name="Layer">The block ℓ (site resid_post[ℓ]).</param>
/// <param name="Tokens">Tokens captured.</param>
/// <param name="Quality">The SAE's quality on the held-out tokens.</param>
/// <param name="Scores">S_c per category at the main τ, with the shuffled-label null.</param>
/// <param name="ScoresByTau">S_c per category (in category order) at each sensitivity τ, keyed by τ as text.</param>
/// <param name="Seconds">Wall time of the cell (summed over seeds for the mean).</param>
/// <param name="Seed">The SAE seed index i (the SAE's seed is <see cref="SaeTrainingOptions.Seed"/> + i), or -1 for the mean over several seeds.</param>
public sealed record CellResult(string Model, long Step, int Layer, long Tokens, SaeQuality Quality, IReadOnlyList<ConceptScore> Scores,
    IReadOnlyDictionary<string, double[]> ScoresByTau, double Seconds, int Seed = 0);
