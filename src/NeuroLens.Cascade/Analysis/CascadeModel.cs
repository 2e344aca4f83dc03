using NeuroLens.Core;

namespace NeuroLens.Cascade.Analysis;

/// <summary>One level's detector in the cascade model (cascade.md §1).</summary>
/// <param name="Tpr">β_k: probability that a truly positive chunk of this level is called positive.</param>
/// <param name="Fpr">α_k: probability that a truly negative chunk of this level is called positive.</param>
/// <param name="Cost">c_k: cost (time) of one call of this level's detector, in any unit shared by all levels.</param>
public sealed record CascadeLevel(double Tpr, double Fpr, double Cost = 1);

/// <summary>
/// The Bernoulli model of a multi-resolution cascade (cascade.md §1): level-0 chunk labels i.i.d.
/// Bernoulli(p), a level-k chunk covering s_k = r^{dk} level-0 chunks and positive when any of them is
/// (OR rule), detector calls conditionally independent given the truth.
/// </summary>
/// <param name="Dimensions">d, the number of spatial dimensions (≥ 1; 2 or 3 for images).</param>
/// <param name="Factor">r, the downsampling factor per axis between consecutive levels (≥ 2).</param>
/// <param name="Prevalence">p, the probability that a level-0 chunk is positive, in [0, 1].</param>
/// <param name="Levels">The detectors, <c>Levels[0]</c> at full resolution (level 0) up to
/// <c>Levels[L-1]</c> at the coarsest level; L ≥ 1.</param>
/// <param name="Chunks">n, the number of level-0 chunks of the image (≥ 1).</param>
/// <remarks>
/// Convention: the closed forms assume full trees — n/s_k level-k chunks, each with exactly r^d children.
/// When n is not a multiple of s_{L−1} (edge chunks of a real image), the expected calls are still
/// computed as (n/s_k)·π_k, i.e. partial top-level chunks are counted fractionally; on real images with
/// partial edge chunks the measured calls differ from this by at most the edge chunks' share.
/// Only r^d enters the model: d and r matter through the number of children per parent.
/// </remarks>
public sealed record CascadeModel(int Dimensions, int Factor, double Prevalence, IReadOnlyList<CascadeLevel> Levels, long Chunks = 1_000_000)
{
    /// <summary>L, the number of levels.</summary>
    public int LevelCount => Levels.Count;

    /// <summary>c = r^d, the number of children of a chunk above level 0.</summary>
    public double Children => Math.Pow(Factor, Dimensions);

    /// <summary>s_k = r^{dk}, the number of level-0 chunks under one level-k chunk.</summary>
    /// <param name="level">k, between 0 and L − 1.</param>
    /// <returns>s_k as a double (exact for the sizes a model can use).</returns>
    public double ChunkSize(int level) => Math.Pow(Children, level);

    /// <summary>Checks every field; throws a one-line <see cref="NeuroLensException"/> naming the first bad one.</summary>
    /// <exception cref="NeuroLensException">A field is out of range.</exception>
    public void Validate()
    {
        if (Dimensions < 1 || Dimensions > 8)
            throw new NeuroLensException($"cascade model: dimensions must be between 1 and 8, got {Dimensions}.");
        if (Factor < 2)
            throw new NeuroLensException($"cascade model: factor must be at least 2, got {Factor}.");
        if (!(Prevalence >= 0 && Prevalence <= 1))
            throw new NeuroLensException($"cascade model: prevalence must be in [0, 1], got {Prevalence}.");
        if (Levels is null || Levels.Count < 1)
            throw new NeuroLensException("cascade model: at least one level is needed.");
        if (Chunks < 1)
            throw new NeuroLensException($"cascade model: chunks must be at least 1, got {Chunks}.");
        if (Math.Pow(Factor, (double)Dimensions * (Levels.Count - 1)) > 1e15)
            throw new NeuroLensException($"cascade model: r^(d(L−1)) = {Factor}^{Dimensions * (Levels.Count - 1)} level-0 chunks per top-level chunk is too many (at most 1e15).");
        for (int k = 0; k < Levels.Count; k++)
        {
            var l = Levels[k] ?? throw new NeuroLensException($"cascade model: level {k} is missing.");
            if (!(l.Tpr >= 0 && l.Tpr <= 1))
                throw new NeuroLensException($"cascade model: level {k} TPR must be in [0, 1], got {l.Tpr}.");
            if (!(l.Fpr >= 0 && l.Fpr <= 1))
                throw new NeuroLensException($"cascade model: level {k} FPR must be in [0, 1], got {l.Fpr}.");
            if (!(l.Cost >= 0 && double.IsFinite(l.Cost)))
                throw new NeuroLensException($"cascade model: level {k} cost must be finite and ≥ 0, got {l.Cost}.");
        }
    }
}

/// <summary>Expected accuracy and work of a detector (cascade or single level) under the model.</summary>
/// <param name="Tpr">Chunk-level true-positive rate of the level-0 output (expected TP / expected positives).</param>
/// <param name="Fpr">Chunk-level false-positive rate of the level-0 output.</param>
/// <param name="Ppv">Precision p·TPR / (p·TPR + (1 − p)·FPR); NaN when nothing is ever called positive.</param>
/// <param name="F1">2·TP / (2·TP + FP + FN) in expectation: 2p·TPR / (p·TPR + p + (1 − p)·FPR); NaN when p = 0.</param>
/// <param name="CallsPerLevel">Expected detector calls at each level, level 0 first (one entry per model level;
/// the single-level detector has zeros above level 0).</param>
/// <param name="TotalCalls">Sum of <paramref name="CallsPerLevel"/>.</param>
/// <param name="ExpectedTime">Σ_k c_k · calls_k.</param>
public sealed record CascadeMetrics(double Tpr, double Fpr, double Ppv, double F1, IReadOnlyList<double> CallsPerLevel, double TotalCalls, double ExpectedTime);

/// <summary>A cascade next to the single-level detector on the same image.</summary>
/// <param name="Cascade">The L-level cascade.</param>
/// <param name="SingleLevel">The level-0 detector run on all n level-0 chunks.</param>
/// <param name="CallRatio">Cascade total calls / single-level calls (n).</param>
/// <param name="TimeRatio">Cascade expected time / single-level expected time (c_0·n); NaN when c_0 = 0.</param>
public sealed record CascadeComparison(CascadeMetrics Cascade, CascadeMetrics SingleLevel, double CallRatio, double TimeRatio);
