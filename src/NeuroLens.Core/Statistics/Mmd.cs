using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>Which MMD² estimator <see cref="Mmd.Compute"/> uses (Gretton et al., 2012).</summary>
public enum MmdEstimator
{
    /// <summary>The U-statistic: within-sample sums leave out the diagonal; unbiased, can be negative.</summary>
    Unbiased,

    /// <summary>The V-statistic: all pairs including i = j; biased upwards, never negative.</summary>
    Biased,

    /// <summary>The linear-time statistic over disjoint consecutive pairs (uses min(n, m) rounded down to even samples).</summary>
    Linear,
}

/// <summary>Options of <see cref="Mmd.Compute"/>.</summary>
public sealed record MmdOptions
{
    /// <summary>The estimator.</summary>
    public MmdEstimator Estimator { get; init; } = MmdEstimator.Unbiased;

    /// <summary>Fixed RBF bandwidth σ in k(x, y) = exp(−‖x − y‖² / (2σ²)); null: the median heuristic.</summary>
    public double? Bandwidth { get; init; }

    /// <summary>Several bandwidths whose kernels are summed; overrides <see cref="Bandwidth"/>.</summary>
    public IReadOnlyList<double>? Bandwidths { get; init; }

    /// <summary>Random permutations of the pooled sample for the p-value; 0: no test.</summary>
    public int Permutations { get; init; }

    /// <summary>Bootstrap resamples for a confidence interval; 0: none.</summary>
    public int BootstrapResamples { get; init; }

    /// <summary>Coverage of the bootstrap interval.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Seed of permutations and resampling.</summary>
    public int Seed { get; init; }

    /// <summary>Largest pooled kernel matrix held in memory, in bytes.</summary>
    public long MaxKernelBytes { get; init; } = 256L << 20;
}

/// <summary>An MMD² estimate.</summary>
/// <param name="Mmd2">The estimate of MMD².</param>
/// <param name="Bandwidth">The bandwidth σ used (the first one when several are summed).</param>
/// <param name="PValue">Permutation p-value (1 + #{T_perm ≥ T_obs}) / (1 + P), or null without permutations.</param>
/// <param name="Permutations">P.</param>
/// <param name="Lower">Lower bootstrap bound, or null.</param>
/// <param name="Upper">Upper bootstrap bound, or null.</param>
/// <param name="Estimator">The estimator.</param>
/// <param name="NX">Samples in x.</param>
/// <param name="NY">Samples in y.</param>
public sealed record MmdResult(double Mmd2, double Bandwidth, double? PValue, int Permutations, double? Lower, double? Upper,
    MmdEstimator Estimator, int NX, int NY);

/// <summary>
/// Maximum Mean Discrepancy with a Gaussian RBF kernel between two samples (rows are samples), the
/// domain distance of transfer.md §4.
/// </summary>
/// <remarks>
/// This is the Transfer branch's minimal version (the pooled kernel matrix held whole, no bootstrap);
/// the full blockwise implementation of the transfer-mmd branch replaces it with the same API.
/// </remarks>
public static class Mmd
{
    /// <summary>MMD² of <paramref name="x"/> [n, d] against <paramref name="y"/> [m, d], with an optional permutation test.</summary>
    public static MmdResult Compute(Tensor x, Tensor y, MmdOptions? options = null)
    {
        options ??= new MmdOptions();
        Check(x, y);
        if (options.BootstrapResamples > 0)
            throw new NeuroLensException("MMD: bootstrap intervals are not available in this build (set BootstrapResamples to 0).");
        int n = (int)x.shape[0], m = (int)y.shape[0];
        long bytes = (long)(n + m) * (n + m) * sizeof(double);
        if (bytes > options.MaxKernelBytes)
            throw new NeuroLensException($"MMD: the pooled kernel matrix needs {bytes} bytes, above MaxKernelBytes {options.MaxKernelBytes}.");
        using var scope = NewDisposeScope();
        var z = cat([x.to(float64), y.to(float64)], 0);
        var d2 = SquaredDistances(z);
        double[] sigmas = options.Bandwidths is { Count: > 0 } list ? [.. list]
            : options.Bandwidth is double s ? [s] : [Math.Sqrt(MedianPairDistance(d2, n + m) / 2)];
        if (sigmas.Any(s => !(s > 0))) throw new NeuroLensException($"MMD: bandwidths must be positive, got {string.Join(", ", sigmas)}.");
        var k = zeros_like(d2);
        foreach (double sigma in sigmas) k.add_(exp(d2 / (-2 * sigma * sigma)));
        var kernel = k.data<double>().ToArray();
        int[] identity = [.. Enumerable.Range(0, n + m)];
        double observed = Statistic(kernel, n + m, identity, n, options.Estimator);
        double? p = null;
        if (options.Permutations > 0)
        {
            var random = new Random(options.Seed);
            int exceed = 0;
            var perm = (int[])identity.Clone();
            for (int i = 0; i < options.Permutations; i++)
            {
                random.Shuffle(perm);
                if (Statistic(kernel, n + m, perm, n, options.Estimator) >= observed - Math.Abs(observed) * 2.2e-14) exceed++;
            }
            p = (1.0 + exceed) / (1.0 + options.Permutations);
        }
        return new MmdResult(observed, sigmas[0], p, options.Permutations, null, null, options.Estimator, n, m);
    }

    /// <summary>
    /// The median heuristic: σ with 2σ² = the median of ‖a − b‖² over distinct pairs of the pooled
    /// sample, so that k = exp(−‖a − b‖² / median).
    /// </summary>
    public static double MedianHeuristicBandwidth(Tensor x, Tensor y)
    {
        Check(x, y);
        using var scope = NewDisposeScope();
        var z = cat([x.to(float64), y.to(float64)], 0);
        return Math.Sqrt(MedianPairDistance(SquaredDistances(z), (int)z.shape[0]) / 2);
    }

    private static void Check(Tensor x, Tensor y)
    {
        if (x.dim() != 2 || y.dim() != 2 || x.shape[1] != y.shape[1])
            throw new NeuroLensException($"MMD: expected [n, d] and [m, d] samples, got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        if (x.shape[0] < 2 || y.shape[0] < 2)
            throw new NeuroLensException($"MMD: each sample needs at least 2 rows, got {x.shape[0]} and {y.shape[0]}.");
    }

    private static Tensor SquaredDistances(Tensor z)
    {
        var norms = z.square().sum(1);
        return (norms.unsqueeze(1) + norms.unsqueeze(0) - 2 * z.matmul(z.t())).clamp_min(0);
    }

    private static double MedianPairDistance(Tensor d2, int count)
    {
        var values = new List<double>(count * (count - 1) / 2);
        var all = d2.data<double>().ToArray();
        for (int i = 0; i < count; i++)
            for (int j = i + 1; j < count; j++) values.Add(all[i * count + j]);
        values.Sort();
        int h = values.Count / 2;
        double median = values.Count % 2 == 1 ? values[h] : 0.5 * (values[h - 1] + values[h]);
        if (!(median > 0)) throw new NeuroLensException("MMD: the median pairwise distance is 0 (all samples equal); give a fixed bandwidth.");
        return median;
    }

    // Samples are the first n entries of `order` (x) and the rest (y), indexing the pooled kernel.
    private static double Statistic(double[] k, int stride, int[] order, int n, MmdEstimator estimator)
    {
        int m = order.Length - n;
        if (estimator == MmdEstimator.Linear)
        {
            int pairs = Math.Min(n, m) / 2;
            double sum = 0;
            for (int i = 0; i < pairs; i++)
            {
                int x1 = order[2 * i], x2 = order[2 * i + 1], y1 = order[n + 2 * i], y2 = order[n + 2 * i + 1];
                sum += k[x1 * stride + x2] + k[y1 * stride + y2] - k[x1 * stride + y2] - k[x2 * stride + y1];
            }
            return pairs == 0 ? double.NaN : sum / pairs;
        }
        bool unbiased = estimator == MmdEstimator.Unbiased;
        double xx = 0, yy = 0, xy = 0;
        for (int i = 0; i < order.Length; i++)
        {
            int row = order[i] * stride;
            for (int j = 0; j < order.Length; j++)
            {
                if (unbiased && i == j) continue;
                double v = k[row + order[j]];
                if (i < n && j < n) xx += v;
                else if (i >= n && j >= n) yy += v;
                else if (i < n) xy += v;
            }
        }
        return unbiased
            ? xx / ((double)n * (n - 1)) + yy / ((double)m * (m - 1)) - 2 * xy / ((double)n * m)
            : xx / ((double)n * n) + yy / ((double)m * m) - 2 * xy / ((double)n * m);
    }
}

/// <summary>The Mantel test of association between two distance matrices.</summary>
public static class Mantel
{
    /// <summary>
    /// Pearson correlation r of the upper-triangle entries of two square matrices, and the one-sided
    /// permutation p-value (1 + #{r_perm ≥ r}) / (1 + P) where rows and columns of <paramref name="b"/>
    /// are permuted together.
    /// </summary>
    public static (double R, double PValue) Test(double[,] a, double[,] b, int permutations, int seed)
    {
        int size = a.GetLength(0);
        if (a.GetLength(1) != size || b.GetLength(0) != size || b.GetLength(1) != size || size < 3)
            throw new NeuroLensException($"Mantel test: expected two square matrices of the same size (at least 3), got [{a.GetLength(0)}, {a.GetLength(1)}] and [{b.GetLength(0)}, {b.GetLength(1)}].");
        int[] identity = [.. Enumerable.Range(0, size)];
        double r = Upper(a, b, identity);
        var random = new Random(seed);
        var perm = (int[])identity.Clone();
        int exceed = 0;
        for (int p = 0; p < permutations; p++)
        {
            random.Shuffle(perm);
            if (Upper(a, b, perm) >= r - Math.Abs(r) * 2.2e-14) exceed++;
        }
        return (r, (1.0 + exceed) / (1.0 + permutations));
    }

    private static double Upper(double[,] a, double[,] b, int[] perm)
    {
        int size = a.GetLength(0);
        var x = new List<double>();
        var y = new List<double>();
        for (int i = 0; i < size; i++)
            for (int j = i + 1; j < size; j++) { x.Add(a[i, j]); y.Add(b[perm[i], perm[j]]); }
        return Correlation.Pearson(x.ToArray(), y.ToArray());
    }
}
