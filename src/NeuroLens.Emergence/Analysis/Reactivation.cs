namespace NeuroLens.Emergence.Analysis;

/// <summary>
/// A concept present at layer ℓ1, gone at ℓ2 and back at ℓ3 (ℓ1 &lt; ℓ2 &lt; ℓ3): S(ℓ1) ≥ θ,
/// S(ℓ2) &lt; θ − δ, S(ℓ3) ≥ θ.
/// </summary>
/// <param name="Layer1">Last layer at or above θ before the dip.</param>
/// <param name="Layer2">The lowest-scoring layer of the dip.</param>
/// <param name="Layer3">First layer back at or above θ.</param>
/// <param name="Score1">S at ℓ1.</param>
/// <param name="Score2">S at ℓ2.</param>
/// <param name="Score3">S at ℓ3.</param>
/// <param name="DecoderCosine">Cosine between the decoder directions of the matched latents at ℓ1 and ℓ3 (NaN when not given).</param>
public sealed record Reactivation(int Layer1, int Layer2, int Layer3, double Score1, double Score2, double Score3, double DecoderCosine);
