namespace NeuroLens.Emergence.Sae;

/// <summary>The quality gates of a trained SAE on evaluation tokens (emergence.md §2).</summary>
/// <param name="Tokens">Evaluation tokens.</param>
/// <param name="L0">Mean number of active latents (f_j &gt; 0) per token.</param>
/// <param name="DeadFraction">Fraction of latents that never fired on the evaluation tokens.</param>
/// <param name="Fvu">Σ‖x − x̂‖² / Σ‖x − x̄‖², x̄ the mean over the evaluation tokens.</param>
/// <param name="ExplainedVariance">1 − <see cref="Fvu"/>.</param>
/// <param name="Cosine">Mean over tokens of cos(x, x̂).</param>
/// <param name="CeLossRecovered">(CE_zero − CE_sae) / (CE_zero − CE_clean) when measured on a causal model, otherwise NaN.</param>
public sealed record SaeQuality(long Tokens, double L0, double DeadFraction, double Fvu, double ExplainedVariance, double Cosine,
    double CeLossRecovered = double.NaN);
