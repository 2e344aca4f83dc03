namespace NeuroLens.Emergence.Sae;

/// <summary>The activation function of a sparse autoencoder (emergence.md §2).</summary>
public enum SaeArchitecture
{
    /// <summary>Keep the k largest pre-activations of each token (after ReLU), zero the rest (Gao et al. 2024).</summary>
    TopK,

    /// <summary>
    /// Keep the k·B largest pre-activations over a batch of B tokens during training (Bussmann et al. 2024);
    /// at inference a per-latent threshold (JumpReLU form) replaces the batch selection.
    /// </summary>
    BatchTopK,

    /// <summary>ReLU with an L1 penalty weighted by decoder norms (Anthropic, April 2024 update).</summary>
    Relu,
}
