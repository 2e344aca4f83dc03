namespace NeuroLens.Emergence.Sae;

/// <summary>The numbers of one SAE optimizer step.</summary>
/// <param name="Step">Step index (0-based).</param>
/// <param name="Loss">The loss that was minimised.</param>
/// <param name="Fvu">Mean-centred fraction of variance unexplained of the batch.</param>
/// <param name="AuxLoss">The AuxK loss (0 when no latent is dead or for ReLU SAEs).</param>
/// <param name="L0">Mean active latents per token in the batch.</param>
/// <param name="DeadFraction">Fraction of latents dead after the step.</param>
/// <param name="LearningRate">The learning rate of the step.</param>
public readonly record struct SaeStepResult(long Step, double Loss, double Fvu, double AuxLoss, double L0, double DeadFraction, double LearningRate);
