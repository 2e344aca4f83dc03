namespace NeuroLens.Cascade.Analysis;

/// <summary>
/// The two-level formulas of cascade.md §2, written out as the paper states them. They are the reduced
/// case of <see cref="CascadeAnalysis"/> (which the tests check to 1e-12) and a readable reference.
/// </summary>
/// <remarks>
/// With c = r^d, q_1 = 1 − (1 − p)^c and π_1 = β_1 q_1 + α_1 (1 − q_1):
/// TPR = β_1 β_0; FPR = α_0 [β_1 (1 − (1 − p)^{c−1}) + α_1 (1 − p)^{c−1}]; calls = n/c at level 1 and
/// n π_1 at level 0; E[T] = c_1 n/c + c_0 n π_1. PPV and F1 as in <see cref="CascadeAnalysis"/>.
/// </remarks>
public static class TwoLevelClosedForm
{
    /// <summary>The two-level cascade's metrics from the §2 formulas.</summary>
    /// <param name="model">A model with exactly two levels.</param>
    /// <returns>The metrics, calls level 0 first.</returns>
    public static CascadeMetrics Cascade(CascadeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Validate();
        if (model.LevelCount != 2)
            throw new ArgumentException($"the two-level formulas need exactly 2 levels, got {model.LevelCount}", nameof(model));
        double p = model.Prevalence, c = model.Children, n = model.Chunks;
        var (b0, a0) = (model.Levels[0].Tpr, model.Levels[0].Fpr);
        var (b1, a1) = (model.Levels[1].Tpr, model.Levels[1].Fpr);
        double siblingsNegative = Math.Pow(1 - p, c - 1);
        double q1 = 1 - Math.Pow(1 - p, c);
        double pi1 = b1 * q1 + a1 * (1 - q1);
        double tpr = b1 * b0;
        double fpr = a0 * (b1 * (1 - siblingsNegative) + a1 * siblingsNegative);
        return CascadeAnalysis.Metrics(model, tpr, fpr, [n * pi1, n / c]);
    }

    /// <summary>Whether the two-level cascade is faster than the single-level detector: c_1/(c·c_0) + π_1 &lt; 1.</summary>
    /// <param name="model">A model with exactly two levels and c_0 &gt; 0.</param>
    /// <returns>True when the cascade's expected time is below c_0·n.</returns>
    public static bool IsFaster(CascadeModel model)
    {
        var m = Cascade(model);
        double pi1 = m.CallsPerLevel[0] / model.Chunks;
        return model.Levels[1].Cost / (model.Children * model.Levels[0].Cost) + pi1 < 1;
    }
}
