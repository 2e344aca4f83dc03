namespace NeuroLens.Core.Statistics;

/// <summary>The N(0,1) reference that <see cref="GaussianWasserstein"/> compares each sorted column with.</summary>
public enum GaussianReference
{
    /// <summary>Deterministic midpoint quantiles q_i = Φ⁻¹((i − ½)/N) (NeuroLens' default).</summary>
    Quantile,

    /// <summary>One N(0,1) sample of size N drawn with the seed and sorted once, shared by all columns (the paper's protocol).</summary>
    Sample,
}
