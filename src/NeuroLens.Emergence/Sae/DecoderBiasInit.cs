namespace NeuroLens.Emergence.Sae;

/// <summary>How the decoder bias b_dec is initialised from a sample of (scaled) training activations.</summary>
public enum DecoderBiasInit
{
    /// <summary>The sample mean (default).</summary>
    Mean,

    /// <summary>The geometric median (Weiszfeld iterations), robust to outlying tokens (Bricken et al. 2023).</summary>
    GeometricMedian,

    /// <summary>Zero.</summary>
    Zero,
}
