using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Statistics;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Cascade.Analysis;

/// <summary>A Monte Carlo estimate with its confidence interval.</summary>
/// <param name="Value">The estimate.</param>
/// <param name="Lower">Lower bound of the interval.</param>
/// <param name="Upper">Upper bound of the interval.</param>
public sealed record Estimate(double Value, double Lower, double Upper)
{
    /// <summary>Whether <paramref name="x"/> lies in [Lower − tolerance, Upper + tolerance].</summary>
    /// <param name="x">A value, for example the closed form.</param>
    /// <param name="tolerance">Absolute slack for rounding (intervals of zero width).</param>
    /// <returns>True when inside.</returns>
    public bool Contains(double x, double tolerance = 1e-12) => x >= Lower - tolerance && x <= Upper + tolerance;
}

/// <summary>Monte Carlo estimates of the quantities of <see cref="CascadeMetrics"/>, with intervals.</summary>
/// <param name="Trees">Number of simulated top-level chunks (trees).</param>
/// <param name="LevelZeroChunks">Number of simulated level-0 chunks (trees × r^{d(L−1)}).</param>
/// <param name="Positives">Number of simulated positive level-0 chunks.</param>
/// <param name="ConfidenceLevel">Nominal coverage of every interval (each on its own, not family-wise).</param>
/// <param name="Tpr">Pooled TP / positives.</param>
/// <param name="Fpr">Pooled FP / negatives.</param>
/// <param name="Ppv">Pooled TP / (TP + FP).</param>
/// <param name="F1">Pooled 2TP / (2TP + FP + FN).</param>
/// <param name="CallsPerLevel">Calls per level, level 0 first, scaled to the model's n level-0 chunks
/// (mean calls per tree × n / r^{d(L−1)}), comparable with <see cref="CascadeMetrics.CallsPerLevel"/>.</param>
/// <param name="TotalCalls">Total calls, scaled the same way.</param>
/// <param name="ExpectedTime">Σ c_k calls_k, scaled the same way.</param>
public sealed record CascadeSimulationResult(
    long Trees, long LevelZeroChunks, long Positives, double ConfidenceLevel,
    Estimate Tpr, Estimate Fpr, Estimate Ppv, Estimate F1,
    IReadOnlyList<Estimate> CallsPerLevel, Estimate TotalCalls, Estimate ExpectedTime);

/// <summary>
/// Monte Carlo simulation of the cascade's Bernoulli model on chunk trees, the validator of
/// <see cref="CascadeAnalysis"/>.
/// </summary>
/// <remarks>
/// <para><b>Sampling.</b> Each tree is one top-level (level L−1) chunk with r^d children per parent down to
/// its s_{L−1} = r^{d(L−1)} level-0 chunks, whose labels are i.i.d. Bernoulli(p); coarser labels follow by the
/// OR rule. The cascade calls the top chunk, draws each call independently given the truth (β_k for a
/// positive chunk, α_k for a negative one), descends into the children of positive calls only, and reports
/// a level-0 chunk positive when it and all its ancestors were called positive (AND rule). Calls are counted
/// per level; TP, FP, positives and negatives per tree.</para>
/// <para><b>Intervals.</b> Trees are i.i.d., but chunks within a tree are not (siblings share their
/// ancestors' calls), so intervals are computed over trees: a normal (CLT) interval for each mean, and for
/// each ratio of sums R = Σx / Σy (TPR, FPR, PPV, F1) the delta-method (ratio-estimator) interval
/// R ± z·s_e / (√T · ȳ), where s_e² is the sample variance of x_t − R y_t over the T trees and
/// z = Φ⁻¹((1 + level)/2) (<see cref="NormalQuantile"/>). Binomial intervals on pooled chunks would be
/// too narrow here. An interval whose denominator is zero (no positives) is NaN. Normal intervals need
/// events: with no or very few TP, FP or positives an interval is unreliable (a count of zero gives a
/// zero-width interval), so simulate enough trees for at least tens of each.</para>
/// <para><b>Determinism.</b> Trees are simulated in blocks of 1024, each from its own SplitMix64 stream
/// (seed, block) and combined in block order: the same model, trees and seed give the same result on any
/// number of threads and any platform.</para>
/// </remarks>
public static class CascadeSimulation
{
    private const int BlockSize = 1024;

    /// <summary>The largest number of level-0 chunks per tree the simulator accepts.</summary>
    public const int MaxTreeSize = 1 << 22;

    /// <summary>Simulates <paramref name="trees"/> independent top-level chunks of the model.</summary>
    /// <param name="model">The model; validated; r^{d(L−1)} at most <see cref="MaxTreeSize"/>.</param>
    /// <param name="trees">Number of trees, at least 2.</param>
    /// <param name="seed">Seed of the random streams.</param>
    /// <param name="confidenceLevel">Nominal coverage of each interval, in (0, 1); default 0.99.</param>
    /// <param name="progress">Receives the number of trees simulated, per block of 1024; may be null.</param>
    /// <returns>The estimates with their intervals.</returns>
    public static CascadeSimulationResult Run(CascadeModel model, long trees, int seed, double confidenceLevel = 0.99,
        IProgress<ProgressUpdate>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Validate();
        if (trees < 2)
            throw new NeuroLensException($"cascade simulation: at least 2 trees are needed, got {trees}.");
        if (!(confidenceLevel > 0 && confidenceLevel < 1))
            throw new NeuroLensException($"cascade simulation: confidence level must be in (0, 1), got {confidenceLevel}.");
        double treeSize = model.ChunkSize(model.LevelCount - 1);
        if (treeSize > MaxTreeSize)
            throw new NeuroLensException($"cascade simulation: a tree of r^(d(L−1)) = {treeSize} level-0 chunks exceeds {MaxTreeSize}; use fewer levels or dimensions.");

        long blocks = (trees + BlockSize - 1) / BlockSize;
        var moments = new Moments[blocks];
        long done = 0;
        Parallel.For(0L, blocks, b =>
        {
            int count = (int)Math.Min(BlockSize, trees - b * BlockSize);
            moments[b] = SimulateBlock(model, count, new SyntheticRng(seed, (ulong)b));
            progress?.Report(new ProgressUpdate("simulating cascade", Interlocked.Add(ref done, count), trees, "trees"));
        });
        var total = new Moments(Variables(model.LevelCount));
        foreach (var m in moments) total.Add(m);
        return Summarise(model, total, confidenceLevel);
    }

    // Per-tree variables: P, N, TP, FP, calls_0 … calls_{L−1}, time.
    private static int Variables(int levels) => 5 + levels;
    private const int P = 0, N = 1, TP = 2, FP = 3, Calls0 = 4;

    private static Moments SimulateBlock(CascadeModel model, int count, SyntheticRng rng)
    {
        int levels = model.LevelCount;
        int children = (int)model.Children;
        int leaves = (int)model.ChunkSize(levels - 1);
        var truth = new bool[levels][];
        var examined = new bool[levels][];
        for (int k = 0; k < levels; k++)
        {
            truth[k] = new bool[leaves / (int)model.ChunkSize(k)];
            examined[k] = new bool[truth[k].Length];
        }
        examined[levels - 1][0] = true;
        var moments = new Moments(Variables(levels));
        var v = new double[Variables(levels)];
        double p = model.Prevalence;
        for (int t = 0; t < count; t++)
        {
            Array.Clear(v);
            var leaf = truth[0];
            for (int i = 0; i < leaf.Length; i++)
            {
                leaf[i] = rng.NextDouble() < p;
                if (leaf[i]) v[P]++;
            }
            v[N] = leaf.Length - v[P];
            for (int k = 1; k < levels; k++)
            {
                var below = truth[k - 1];
                var here = truth[k];
                for (int j = 0; j < here.Length; j++)
                {
                    bool any = false;
                    for (int c = j * children, end = c + children; c < end && !any; c++) any = below[c];
                    here[j] = any;
                }
            }
            for (int k = levels - 1; k >= 0; k--)
            {
                var level = model.Levels[k];
                var here = truth[k];
                var open = examined[k];
                for (int j = 0; j < here.Length; j++)
                {
                    bool called = false;
                    if (open[j])
                    {
                        v[Calls0 + k]++;
                        called = rng.NextDouble() < (here[j] ? level.Tpr : level.Fpr);
                        if (k == 0 && called) v[here[j] ? TP : FP]++;
                    }
                    if (k > 0) Array.Fill(examined[k - 1], called, j * children, children);
                }
            }
            double time = 0;
            for (int k = 0; k < levels; k++) time += model.Levels[k].Cost * v[Calls0 + k];
            v[^1] = time;
            moments.Add(v);
        }
        return moments;
    }

    private static CascadeSimulationResult Summarise(CascadeModel model, Moments m, double level)
    {
        int levels = model.LevelCount, size = Variables(levels);
        double z = NormalQuantile.Of(0.5 + level / 2);
        double scale = model.Chunks / model.ChunkSize(levels - 1);
        double[] Unit(params (int Index, double Weight)[] terms)
        {
            var w = new double[size];
            foreach (var (i, weight) in terms) w[i] += weight;
            return w;
        }
        var calls = new Estimate[levels];
        var allCalls = new double[size];
        for (int k = 0; k < levels; k++)
        {
            calls[k] = m.Mean(Unit((Calls0 + k, 1)), z, scale);
            allCalls[Calls0 + k] = 1;
        }
        return new CascadeSimulationResult(
            m.Count, m.Count * (long)model.ChunkSize(levels - 1), (long)m.Sum[P], level,
            Tpr: m.Ratio(Unit((TP, 1)), Unit((P, 1)), z),
            Fpr: m.Ratio(Unit((FP, 1)), Unit((N, 1)), z),
            Ppv: m.Ratio(Unit((TP, 1)), Unit((TP, 1), (FP, 1)), z),
            F1: m.Ratio(Unit((TP, 2)), Unit((TP, 1), (FP, 1), (P, 1)), z),
            CallsPerLevel: calls,
            TotalCalls: m.Mean(allCalls, z, scale),
            ExpectedTime: m.Mean(Unit((size - 1, 1)), z, scale));
    }

    /// <summary>Running sums and cross-products of the per-tree variables; any linear combination's
    /// mean and variance, and any ratio of two combinations, follow from them.</summary>
    private sealed class Moments(int size)
    {
        public long Count;
        public readonly double[] Sum = new double[size];
        private readonly double[] _cross = new double[size * size];

        public void Add(double[] v)
        {
            Count++;
            for (int i = 0; i < size; i++)
            {
                if (v[i] == 0) continue;
                Sum[i] += v[i];
                for (int j = i; j < size; j++) _cross[i * size + j] += v[i] * v[j];
            }
        }

        public void Add(Moments other)
        {
            Count += other.Count;
            for (int i = 0; i < size; i++) Sum[i] += other.Sum[i];
            for (int i = 0; i < _cross.Length; i++) _cross[i] += other._cross[i];
        }

        private double Dot(double[] w) => w.Select((x, i) => x * Sum[i]).Sum();

        // Sample variance of w·V over the trees.
        private double Variance(double[] w)
        {
            double square = 0;
            for (int i = 0; i < size; i++)
                for (int j = i; j < size; j++)
                    square += (i == j ? 1 : 2) * w[i] * w[j] * _cross[i * size + j];
            double mean = Dot(w) / Count;
            return Math.Max(0, (square - Count * mean * mean) / (Count - 1));
        }

        public Estimate Mean(double[] w, double z, double scale)
        {
            double mean = Dot(w) / Count, half = z * Math.Sqrt(Variance(w) / Count);
            return new Estimate(scale * mean, scale * (mean - half), scale * (mean + half));
        }

        public Estimate Ratio(double[] numerator, double[] denominator, double z)
        {
            double y = Dot(denominator);
            if (y == 0) return new Estimate(double.NaN, double.NaN, double.NaN);
            double r = Dot(numerator) / y;
            var residual = numerator.Select((a, i) => a - r * denominator[i]).ToArray();
            double half = z * Math.Sqrt(Variance(residual) * Count) / y;
            return new Estimate(r, r - half, r + half);
        }
    }
}
