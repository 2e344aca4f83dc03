namespace NeuroLens.Imaging.Unet;

/// <summary>
/// The trainer's state besides weights and optimizer moments, stored as <c>state.json</c> in a
/// checkpoint. The sampling generator is seeded from (seed, step), so these fields are the whole random state.
/// </summary>
/// <param name="Step">Optimisation steps completed.</param>
/// <param name="Seed">The run's sampling seed.</param>
/// <param name="Losses">The loss of each completed step.</param>
internal sealed record UnetTrainingState(int Step, long Seed, IReadOnlyList<double> Losses);
