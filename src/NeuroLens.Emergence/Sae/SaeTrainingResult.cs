namespace NeuroLens.Emergence.Sae;

/// <summary>What a training run produced.</summary>
/// <param name="Sae">The trained SAE (the caller disposes it).</param>
/// <param name="Steps">Optimizer steps taken in all (including those before a resume).</param>
/// <param name="Tokens">Training tokens seen in all.</param>
/// <param name="LearningRate">The base learning rate used.</param>
/// <param name="FinalFvu">Mean FVU over the last tenth of the steps of this run (NaN when none ran).</param>
/// <param name="DeadFraction">Fraction of latents dead at the end.</param>
/// <param name="Completed">False when training stopped early through cancellation (a checkpoint was saved).</param>
public sealed record SaeTrainingResult(SparseAutoencoder Sae, long Steps, long Tokens, double LearningRate,
    double FinalFvu, double DeadFraction, bool Completed);
