namespace NeuroLens.Core.Statistics;

/// <summary>Which estimator of the squared maximum mean discrepancy MMD² (Gretton et al. 2012, JMLR 13).</summary>
public enum MmdEstimator
{
    /// <summary>
    /// The U-statistic MMD²_u (Gretton et al. 2012, eq. 3): within-sample kernel means leave out the
    /// diagonal (pairs i ≠ j). Unbiased; it can be negative when the distributions are equal.
    /// </summary>
    Unbiased,

    /// <summary>The V-statistic MMD²_b (eq. 5): all pairs, diagonal included; biased upwards, never negative.</summary>
    Biased,

    /// <summary>
    /// The linear-time estimator MMD²_l (Lemma 14): the mean of
    /// h = k(x₁, x₂) + k(y₁, y₂) − k(x₁, y₂) − k(x₂, y₁) over the ⌊min(n, m)/2⌋ disjoint consecutive pairs
    /// (x₂ᵢ₋₁, x₂ᵢ), (y₂ᵢ₋₁, y₂ᵢ) of the samples in their given order; rows past 2⌊min(n, m)/2⌋ are unused.
    /// </summary>
    Linear,
}

/// <summary>Options of <see cref="Mmd.Compute"/>.</summary>
public sealed record MmdOptions
{
    /// <summary>The estimator; default <see cref="MmdEstimator.Unbiased"/>.</summary>
    public MmdEstimator Estimator { get; init; } = MmdEstimator.Unbiased;

    /// <summary>
    /// The RBF bandwidth σ &gt; 0 of k(a, b) = exp(−‖a − b‖² / (2σ²)); null (default) chooses it by the
    /// median heuristic, <see cref="Mmd.MedianHeuristicBandwidth"/>. Ignored when <see cref="Bandwidths"/> is set.
    /// </summary>
    public double? Bandwidth { get; init; }

    /// <summary>
    /// Several bandwidths σ₁ … σ_s &gt; 0 for a multi-scale kernel, the mean of their RBF kernels
    /// k(a, b) = (1/s) Σ exp(−‖a − b‖² / (2σ_j²)) (still 1 on the diagonal); overrides <see cref="Bandwidth"/>.
    /// </summary>
    public IReadOnlyList<double>? Bandwidths { get; init; }

    /// <summary>P, the number of random permutations of the permutation test; 0 (default) runs no test.</summary>
    public int Permutations { get; init; } = 0;

    /// <summary>B, the number of bootstrap resamples of the percentile interval; 0 (default) computes no interval.</summary>
    public int BootstrapResamples { get; init; } = 0;

    /// <summary>The nominal coverage of the bootstrap interval, in (0, 1); default 0.95.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Seed of the <c>torch.Generator</c> that draws the permutations and then the bootstrap resamples.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The most bytes that kernel values (with their temporaries) may occupy at once; default 256 MiB.
    /// When the pooled (n + m)² kernel fits it is computed once and held; above it the kernel is computed in
    /// square tiles that fit, never held whole. The replicate weight columns get a budget of the same size.
    /// Outside the budget: the pooled data in float64, and the median heuristic's own distance matrix of at
    /// most 4,000 subsampled points (128 MB and its upper triangle) when the whole kernel does not fit.
    /// </summary>
    public long MaxKernelBytes { get; init; } = 256L << 20;
}
