namespace NeuroLens.Cascade.Analysis;

/// <summary>
/// Closed-form accuracy and expected work of an L-level, d-dimensional cascade under the Bernoulli model
/// (cascade.md §2), and its comparison with the single-level detector.
/// </summary>
/// <remarks>
/// <para><b>Notation.</b> Levels k = 0 … L−1 (0 = full resolution), c = r^d children per parent,
/// s_k = c^k level-0 chunks under a level-k chunk, u_k = (1 − p)^{s_k} the probability that a level-k
/// chunk is negative. The cascade calls every level-(L−1) chunk, the children of every chunk called
/// positive, and reports a level-0 chunk positive when it and all its ancestors were called positive
/// (AND rule). Calls are conditionally independent given the truth, so the probability of a given chain
/// of calls is the product over the chain of β_m (chunk truly positive) or α_m (truly negative).</para>
/// <para><b>Nesting.</b> A chunk is positive iff one of its level-0 chunks is; ancestors are nested, so
/// if the level-j ancestor is positive every ancestor above j is too. The truth along a chain is thus
/// fixed by one number: the lowest level J at which the chain is positive (J = L when it never is).</para>
/// <para><b>TPR.</b> A positive level-0 chunk has J = 0: every call on its chain uses β, so
/// TPR = ∏_{k=0}^{L−1} β_k.</para>
/// <para><b>FPR.</b> For a negative level-0 chunk, its level-j ancestor is negative iff the other
/// s_j − 1 level-0 chunks under it are, so P(J &gt; j | negative) = (1 − p)^{s_j − 1} =: v_j, with v_0 = 1
/// and v_L = 0. Hence P(J = j | negative) = v_{j−1} − v_j for j = 1 … L and
/// FPR = Σ_{j=1}^{L} (v_{j−1} − v_j) · ∏_{m&lt;j} α_m · ∏_{m≥j} β_m.</para>
/// <para><b>Calls.</b> A level-k chunk is examined iff all its ancestors (levels k+1 … L−1) were called
/// positive. Condition on the lowest level J ∈ {k, …, L} at which its chain (itself included) is positive:
/// P(J &gt; j) = u_j, so with u_{k−1} = 1 and u_L = 0, P(J = j) = u_{j−1} − u_j and
/// π_k = Σ_{j=k}^{L} (u_{j−1} − u_j) · ∏_{m=k+1}^{L−1} (β_m if m ≥ j else α_m);
/// π_{L−1} = 1. Expected calls at level k: calls_k = (n / s_k) · π_k; expected time Σ_k c_k · calls_k.</para>
/// <para><b>Two levels</b> (L = 2): v_1 = (1 − p)^{c−1} gives FPR = α_0[β_1(1 − (1 − p)^{c−1}) + α_1(1 − p)^{c−1}];
/// π_0 = (1 − u_1)β_1 + u_1 α_1 = β_1 q_1 + α_1(1 − q_1) with q_1 = 1 − (1 − p)^c; calls = n/c + n π_0 —
/// exactly the formulas of cascade.md §2 (see <see cref="TwoLevelClosedForm"/>).</para>
/// <para><b>Accuracy summaries</b> are ratios of expectations over the image: PPV = p·TPR / (p·TPR + (1 − p)·FPR)
/// and F1 = 2p·TPR / (p·TPR + p + (1 − p)·FPR) (= 2TP / (2TP + FP + FN) in expectation, the harmonic mean
/// of PPV and TPR). A 0/0 is NaN.</para>
/// <para><b>Convention:</b> full trees (see <see cref="CascadeModel"/>): n/s_k level-k chunks, possibly fractional.</para>
/// </remarks>
public static class CascadeAnalysis
{
    /// <summary>The cascade and the single-level detector side by side.</summary>
    /// <param name="model">The model; validated.</param>
    /// <returns>Both detectors' metrics and the call and time ratios (cascade / single level).</returns>
    public static CascadeComparison Analyze(CascadeModel model)
    {
        var cascade = Cascade(model);
        var single = SingleLevel(model);
        return new CascadeComparison(cascade, single, cascade.TotalCalls / single.TotalCalls,
            single.ExpectedTime > 0 ? cascade.ExpectedTime / single.ExpectedTime : double.NaN);
    }

    /// <summary>The L-level cascade's TPR, FPR, PPV, F1, expected calls per level and expected time (see remarks of <see cref="CascadeAnalysis"/>).</summary>
    /// <param name="model">The model; validated.</param>
    /// <returns>The cascade's expected metrics.</returns>
    public static CascadeMetrics Cascade(CascadeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Validate();
        int levels = model.LevelCount;
        double p = model.Prevalence;

        double tpr = 1;
        for (int k = 0; k < levels; k++) tpr *= model.Levels[k].Tpr;

        // FPR: v_j = P(level-j ancestor negative | level-0 chunk negative); J = lowest positive ancestor level.
        double fpr = 0;
        for (int j = 1; j <= levels; j++)
        {
            double vBelow = j == 1 ? 1 : Math.Pow(1 - p, model.ChunkSize(j - 1) - 1);
            double vAt = j == levels ? 0 : Math.Pow(1 - p, model.ChunkSize(j) - 1);
            fpr += (vBelow - vAt) * ChainProduct(model, first: 0, lowestPositive: j);
        }

        var calls = new double[levels];
        for (int k = 0; k < levels; k++)
            calls[k] = model.Chunks / model.ChunkSize(k) * ExaminedProbability(model, k);
        return Metrics(model, tpr, fpr, calls);
    }

    /// <summary>The level-0 detector alone, called on all n level-0 chunks: TPR β_0, FPR α_0, n calls, time c_0·n.</summary>
    /// <param name="model">The model; validated. Only level 0's detector is used.</param>
    /// <returns>The single-level metrics; <see cref="CascadeMetrics.CallsPerLevel"/> has L entries, zero above level 0.</returns>
    public static CascadeMetrics SingleLevel(CascadeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Validate();
        var calls = new double[model.LevelCount];
        calls[0] = model.Chunks;
        return Metrics(model, model.Levels[0].Tpr, model.Levels[0].Fpr, calls);
    }

    /// <summary>
    /// The prevalence at which the cascade's expected time equals the single-level detector's: below it the
    /// cascade saves time (when β_k ≥ α_k), above it it costs more.
    /// </summary>
    /// <param name="model">The model; its prevalence is ignored.</param>
    /// <returns>The smallest crossing p in (0, 1), or NaN when there is none (or c_0 = 0).</returns>
    /// <remarks>
    /// The time ratio g(p) = Σ_k c_k π_k(p) / (c_0 s_k) does not depend on n. It is scanned at 1201
    /// logit-spaced points p = 1/(1 + e^{−t}), t ∈ [−30, 30] (p from about 1e-13 to 1 − 1e-13); the first
    /// sign change of g − 1 (exact zeros skipped) is refined by bisection to machine precision. When β_k ≥ α_k at every level,
    /// each π_k is non-decreasing in p (positivity of ancestors increases with p, and the chain product
    /// increases with each positive), so there is at most one crossing and the scan finds it unless it lies
    /// within 1e-13 of 0 or 1. Otherwise the smallest crossing found by the scan is returned.
    /// </remarks>
    public static double BreakEvenPrevalence(CascadeModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Validate();
        if (model.Levels[0].Cost <= 0) return double.NaN;
        double G(double p) => TimeRatio(model, p) - 1;
        const int points = 1201;
        // Exact zeros of g − 1 are skipped: they arise where the ratio rounds to 1 next to p = 1, not at crossings.
        double lastP = double.NaN, lastG = 0;
        for (int i = 0; i < points; i++)
        {
            double t = -30 + 60.0 * i / (points - 1);
            double p = 1 / (1 + Math.Exp(-t));
            double g = G(p);
            if (g == 0) continue;
            if (lastG != 0 && Math.Sign(g) != Math.Sign(lastG)) return Bisect(G, lastP, p, lastG);
            lastP = p;
            lastG = g;
        }
        return double.NaN;
    }

    // Expected time of the cascade over the single-level time at prevalence p.
    private static double TimeRatio(CascadeModel model, double p)
    {
        var at = model with { Prevalence = p };
        double ratio = 0;
        for (int k = 0; k < model.LevelCount; k++)
            ratio += model.Levels[k].Cost * ExaminedProbability(at, k) / model.ChunkSize(k);
        return ratio / model.Levels[0].Cost;
    }

    private static double Bisect(Func<double, double> g, double lo, double hi, double gLo)
    {
        for (int i = 0; i < 200 && hi - lo > 4 * double.Epsilon; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            double gMid = g(mid);
            if (gMid == 0) return mid;
            if (Math.Sign(gMid) == Math.Sign(gLo)) { lo = mid; gLo = gMid; }
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>π_k: the probability that a level-k chunk is examined (all its ancestors called positive).</summary>
    internal static double ExaminedProbability(CascadeModel model, int level)
    {
        int levels = model.LevelCount;
        if (level == levels - 1) return 1;
        double p = model.Prevalence, pi = 0;
        for (int j = level; j <= levels; j++)
        {
            double uBelow = j == level ? 1 : Math.Pow(1 - p, model.ChunkSize(j - 1));
            double uAt = j == levels ? 0 : Math.Pow(1 - p, model.ChunkSize(j));
            pi += (uBelow - uAt) * ChainProduct(model, first: level + 1, lowestPositive: j);
        }
        return pi;
    }

    // ∏_{m=first}^{L−1} (β_m if m ≥ lowestPositive else α_m): the chance that every chunk on the chain from
    // level `first` up is called positive, when the chain is positive from level `lowestPositive` up.
    private static double ChainProduct(CascadeModel model, int first, int lowestPositive)
    {
        double product = 1;
        for (int m = first; m < model.LevelCount; m++)
            product *= m >= lowestPositive ? model.Levels[m].Tpr : model.Levels[m].Fpr;
        return product;
    }

    internal static CascadeMetrics Metrics(CascadeModel model, double tpr, double fpr, double[] calls)
    {
        double p = model.Prevalence;
        double ppvDenominator = p * tpr + (1 - p) * fpr;
        double f1Denominator = p * tpr + p + (1 - p) * fpr;
        double ppv = ppvDenominator > 0 ? p * tpr / ppvDenominator : double.NaN;
        double f1 = f1Denominator > 0 ? 2 * p * tpr / f1Denominator : double.NaN;
        double time = 0;
        for (int k = 0; k < calls.Length; k++) time += model.Levels[k].Cost * calls[k];
        return new CascadeMetrics(tpr, fpr, ppv, f1, calls, calls.Sum(), time);
    }
}
