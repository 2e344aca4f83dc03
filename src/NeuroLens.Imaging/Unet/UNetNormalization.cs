namespace NeuroLens.Imaging.Unet;

/// <summary>The normalisation layer after each convolution of a <see cref="UNet"/>.</summary>
public enum UNetNormalization
{
    /// <summary>No normalisation: convolution, then ReLU.</summary>
    None,

    /// <summary>
    /// Batch normalisation (running statistics are used in evaluation mode). Needs a batch of more than
    /// one patch, or patches large enough for per-batch statistics, while training.
    /// </summary>
    Batch,

    /// <summary>Group normalisation with <see cref="UNetConfig.Groups"/> channel groups (per sample, batch-size independent).</summary>
    Group,

    /// <summary>Instance normalisation: group normalisation with one group per channel, with a learned affine.</summary>
    Instance,
}
