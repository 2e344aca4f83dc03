namespace NeuroLens.Core.Statistics;

/// <summary>Which permuted statistics count as at least as extreme as the observed one.</summary>
public enum Alternative
{
    /// <summary>One-sided: T_perm ≥ T_obs (large statistics are evidence against the null).</summary>
    Greater,

    /// <summary>One-sided: T_perm ≤ T_obs (small statistics are evidence against the null).</summary>
    Less,

    /// <summary>
    /// Two-sided by absolute value: |T_perm| ≥ |T_obs|. Meant for statistics centred at 0 under the null
    /// (a difference of means, a correlation); this is not scipy's default two-sided rule 2·min(p₋, p₊).
    /// </summary>
    TwoSided,
}
