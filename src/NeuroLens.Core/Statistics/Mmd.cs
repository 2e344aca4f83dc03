using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>The squared maximum mean discrepancy of two samples, with its test and interval.</summary>
/// <param name="Mmd2">The MMD² estimate of the chosen estimator (the unbiased one can be negative).</param>
/// <param name="Bandwidth">The RBF σ used (given or by the median heuristic); NaN for a multi-scale kernel,
/// whose σs are those of <see cref="MmdOptions.Bandwidths"/>.</param>
/// <param name="PValue">The permutation p-value, or null when no test was run.</param>
/// <param name="Permutations">P, the number of permutations (0 without a test).</param>
/// <param name="Lower">Lower bound of the bootstrap percentile interval, or null without one.</param>
/// <param name="Upper">Upper bound of the bootstrap percentile interval, or null without one.</param>
/// <param name="Estimator">The estimator used.</param>
/// <param name="NX">n, the rows of x.</param>
/// <param name="NY">m, the rows of y.</param>
public sealed record MmdResult(double Mmd2, double Bandwidth, double? PValue, int Permutations, double? Lower, double? Upper, MmdEstimator Estimator, int NX, int NY);

/// <summary>
/// Maximum mean discrepancy (Gretton, Borgwardt, Rasch, Schölkopf &amp; Smola 2012, "A kernel two-sample
/// test", JMLR 13) between two samples of feature vectors, rows = samples, with the Gaussian RBF kernel
/// k(a, b) = exp(−‖a − b‖² / (2σ²)).
/// </summary>
/// <remarks>
/// <para>Estimators: unbiased MMD²_u = Σ_{i≠j} k(xᵢ, xⱼ)/(n(n−1)) + Σ_{i≠j} k(yᵢ, yⱼ)/(m(m−1)) − 2 Σ k(xᵢ, yⱼ)/(nm)
/// (a U-statistic, can be negative); biased MMD²_b, the same with all pairs and denominators n², m²
/// (a V-statistic); linear-time MMD²_l, see <see cref="MmdEstimator.Linear"/>.</para>
/// <para>Computation: float64 on the device of <c>x</c>; squared distances ‖a‖² − 2a·b + ‖b‖² by matmul,
/// clamped at 0, multi-threaded through torch's intra-op threads. Every replicate (the observed split,
/// each permutation, each bootstrap resample) is a weight vector w on the pooled rows z = [x; y], so the
/// sums above are quadratic forms wᵀKw' and all replicates come from one matrix of forms Wᵀ·K·W. When the pooled
/// (n + m)² kernel fits <see cref="MmdOptions.MaxKernelBytes"/> it is computed once and reused for every
/// replicate; otherwise it is computed in square tiles within the budget, never held whole, once per group
/// of replicate columns (one group, hence one pass, unless the columns themselves exceed the budget). The
/// linear estimator never forms the matrix.</para>
/// <para>Permutation test: the pooled rows are permuted (<c>torch.randperm</c>) and split back into sizes
/// n and m; p = (1 + #{MMD²_perm ≥ MMD²_obs}) / (1 + P), the observed split counted
/// (<see cref="PermutationTest.FromPermutedStatistics"/>), with the same bandwidth for every permutation.
/// Bootstrap: x and y rows are resampled with replacement independently (<c>torch.randint</c>) and the
/// same estimator is recomputed (pairs of one resample position with another, even if they are copies of
/// one row, count as distinct pairs); the interval is the percentile interval of
/// <see cref="Bootstrap.FromReplicates"/>. Both draw from one CPU <c>torch.Generator</c> seeded with
/// <see cref="MmdOptions.Seed"/>, permutations first: same data and seed, same result.</para>
/// </remarks>
public static class Mmd
{
    /// <summary>Points per sample above which the median heuristic uses a random subsample of this many.</summary>
    public const int MedianHeuristicMaxPointsPerSample = 2000;

    /// <summary>Estimates MMD² between the distributions of the rows of x and y, with optional test and interval.</summary>
    /// <param name="x">The first sample, [n, d] of any real type (n ≥ 2; n ≥ 1 for the biased estimator).</param>
    /// <param name="y">The second sample, [m, d] (m ≥ 2; m ≥ 1 for the biased estimator).</param>
    /// <param name="options">Estimator, bandwidth, test and interval; defaults as in <see cref="MmdOptions"/>.</param>
    /// <returns>The estimate, the bandwidth used, and the p-value and interval when asked for.</returns>
    public static MmdResult Compute(Tensor x, Tensor y, MmdOptions? options = null)
    {
        options ??= new MmdOptions();
        CheckOptions(options);
        using var scope = NewDisposeScope();
        var z = Pool(x, y, "Mmd.Compute");
        int n = (int)x.shape[0], m = (int)y.shape[0];
        int minimum = options.Estimator == MmdEstimator.Biased ? 1 : 2;
        if (n < minimum || m < minimum)
            throw new NeuroLensException($"Mmd.Compute: the {options.Estimator.ToString().ToLowerInvariant()} estimator needs at least {minimum} rows in each sample, got {n} and {m}.");

        double sigma;
        IReadOnlyList<double> bandwidths;
        Tensor? distances = null;
        if (options.Bandwidths is { } several)
            (sigma, bandwidths) = (double.NaN, several);
        else
        {
            if (options.Bandwidth is { } given) sigma = given;
            else if (options.Estimator != MmdEstimator.Linear && n <= MedianHeuristicMaxPointsPerSample && m <= MedianHeuristicMaxPointsPerSample
                     && RbfKernel.FitsWholeSingle(n + m, options.MaxKernelBytes))
            {
                // The heuristic needs exactly the distances the whole kernel is made from: compute them once.
                distances = RbfKernel.SquaredDistances(z);
                sigma = UpperTriangleMedian(distances);
            }
            else sigma = MedianHeuristic(z, n, m);
            bandwidths = [sigma];
        }

        using var kernel = new RbfKernel(z, bandwidths, options.MaxKernelBytes, distances);
        using var generator = new Generator((ulong)(uint)options.Seed);
        var (observed, permuted, boot) = options.Estimator == MmdEstimator.Linear
            ? Linear(kernel, z, n, m, options, generator)
            : Quadratic(kernel, n, m, options, generator);

        double? p = permuted.Length > 0 ? PermutationTest.FromPermutedStatistics(observed, permuted).PValue : null;
        BootstrapInterval? interval = boot.Length > 0 ? Bootstrap.FromReplicates(observed, boot, options.ConfidenceLevel) : null;
        return new MmdResult(observed, sigma, p, options.Permutations, interval?.Lower, interval?.Upper, options.Estimator, n, m);
    }

    /// <summary>
    /// The median heuristic: σ with 2σ² = median of ‖a − b‖² over the distinct pairs a ≠ b (by position,
    /// i &lt; j) of the pooled sample, so that k(a, b) = exp(−‖a − b‖² / median).
    /// </summary>
    /// <remarks>The median of an even count is the mean of the two middle values (numpy's). A sample with more
    /// than <see cref="MedianHeuristicMaxPointsPerSample"/> rows is replaced by that many rows drawn without
    /// replacement by <c>torch.randperm</c> from a CPU <c>torch.Generator</c> seeded with 0, so the result is
    /// deterministic and costs at most (2 · 2,000)²/2 distances.</remarks>
    /// <param name="x">The first sample, [n, d] (n ≥ 1).</param>
    /// <param name="y">The second sample, [m, d] (m ≥ 1).</param>
    /// <returns>σ &gt; 0; a <see cref="NeuroLensException"/> when the median distance is 0 (most points coincide).</returns>
    public static double MedianHeuristicBandwidth(Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        var z = Pool(x, y, "Mmd.MedianHeuristicBandwidth");
        return MedianHeuristic(z, (int)x.shape[0], (int)y.shape[0]);
    }

    private static double MedianHeuristic(Tensor z, int n, int m)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        var points = torch.cat([Subsample(z.narrow(0, 0, n), generator), Subsample(z.narrow(0, n, m), generator)], 0);
        return UpperTriangleMedian(RbfKernel.SquaredDistances(points));
    }

    // numpy's median of the entries above the diagonal, as σ of 2σ² = median.
    private static double UpperTriangleMedian(Tensor distances)
    {
        using var scope = NewDisposeScope();
        long count = distances.shape[0];
        var upper = distances.masked_select(torch.ones([count, count], ScalarType.Bool, distances.device).triu_(1));
        long pairs = upper.shape[0];
        double Order(long k) => upper.kthvalue(k + 1, 0, false).values.item<double>(); // k-th smallest, from 0
        double median = pairs % 2 == 1 ? Order(pairs / 2) : 0.5 * (Order(pairs / 2 - 1) + Order(pairs / 2));
        if (!(median > 0.0))
            throw new NeuroLensException("Mmd: the median squared distance between pooled points is 0 (most points coincide); give a bandwidth instead of the median heuristic.");
        return Math.Sqrt(median / 2.0);
    }

    private static Tensor Subsample(Tensor rows, Generator generator)
    {
        if (rows.shape[0] <= MedianHeuristicMaxPointsPerSample) return rows;
        var pick = torch.randperm(rows.shape[0], generator: generator).narrow(0, 0, MedianHeuristicMaxPointsPerSample);
        return rows.index_select(0, pick.to(rows.device));
    }

    // Unbiased and biased estimators: every replicate is a pair of weight vectors (wx, wy) on the pooled rows,
    // and MMD² needs wxᵀKwx, wyᵀKwy and wxᵀKwy. A permutation has wx an indicator and wy = 1 − wx, so with
    // t = K·1 its three forms follow from wxᵀKwx and wxᵀt alone; a bootstrap resample needs both columns.
    private static (double Observed, double[] Permuted, double[] Bootstrap) Quadratic(
        RbfKernel kernel, int n, int m, MmdOptions options, Generator generator)
    {
        long total = n + m;
        using var totalScalar = total.ToScalar();
        int replicates = 1 + options.Permutations + options.BootstrapResamples;
        var values = new double[replicates];
        // Columns per group: W, K·W and one product of their size stay within the budget (at least one replicate).
        long columnsPerGroup = Math.Max(3, options.MaxKernelBytes / (3L * 8 * total));
        var device = kernel.Device;
        int next = 0;
        while (next < replicates)
        {
            using var scope = NewDisposeScope();
            var columns = new List<Tensor> { torch.ones(total, dtype: ScalarType.Float64) };
            var splits = new List<int>();      // column of wx for permutation-type replicates (wy = 1 − wx)
            var pairs = new List<(int X, int Y)>(); // columns of wx and wy for bootstrap replicates
            int first = next;
            while (next < replicates && columns.Count + 2 <= columnsPerGroup + 1)
            {
                if (next <= options.Permutations)
                {
                    var order = next == 0 ? torch.arange(TorchScalars.Zero, totalScalar, TorchScalars.One, dtype: ScalarType.Int64) : torch.randperm(total, generator: generator);
                    splits.Add(columns.Count);
                    columns.Add(torch.zeros(total, dtype: ScalarType.Float64).index_fill_(0, order.narrow(0, 0, n), TorchScalars.Of(1.0)));
                }
                else
                {
                    var wx = torch.bincount(torch.randint(n, [n], dtype: ScalarType.Int64, generator: generator), minlength: n).to(ScalarType.Float64);
                    var wy = torch.bincount(torch.randint(m, [m], dtype: ScalarType.Int64, generator: generator), minlength: m).to(ScalarType.Float64);
                    pairs.Add((columns.Count, columns.Count + 1));
                    columns.Add(torch.cat([wx, torch.zeros(m, dtype: ScalarType.Float64)], 0));
                    columns.Add(torch.cat([torch.zeros(n, dtype: ScalarType.Float64), wy], 0));
                }
                next++;
            }
            var w = torch.stack(columns, 1).to(device);        // [N, c]
            var forms = kernel.Forms(w).cpu();                 // [c, c], w_aᵀ K w_b
            var f = forms.data<double>().ToArray();
            int c0 = (int)forms.shape[0];
            double[] self = Enumerable.Range(0, c0).Select(c => f[c * c0 + c]).ToArray(); // wᵀKw per column
            double[] withOnes = f[..c0];                       // 1ᵀKw = wᵀt per column
            double sumAll = self[0];                           // 1ᵀK1
            int r = first;
            foreach (int c in splits)
            {
                double xx = self[c], xt = withOnes[c];
                values[r++] = Statistic(options.Estimator, xx, sumAll - 2.0 * xt + xx, xt - xx, n, m);
            }
            foreach (var (cx, cy) in pairs)
            {
                double xy = f[cx * c0 + cy];
                values[r++] = Statistic(options.Estimator, self[cx], self[cy], xy, n, m);
            }
        }
        return (values[0], values[1..(1 + options.Permutations)], values[(1 + options.Permutations)..]);
    }

    private static double Statistic(MmdEstimator estimator, double xx, double yy, double xy, double n, double m) =>
        estimator == MmdEstimator.Biased
            ? xx / (n * n) + yy / (m * m) - 2.0 * xy / (n * m)
            // k(a, a) = 1 exactly, so the diagonal of each within-sample form sums to its sample size.
            : (xx - n) / (n * (n - 1)) + (yy - m) / (m * (m - 1)) - 2.0 * xy / (n * m);

    // Linear-time estimator: each replicate is an assignment of pooled rows to x and y, of which the first
    // 2⌊min(n, m)/2⌋ of each are used; pair kernels are evaluated in chunks within the budget.
    private static (double Observed, double[] Permuted, double[] Bootstrap) Linear(
        RbfKernel kernel, Tensor z, int n, int m, MmdOptions options, Generator generator)
    {
        long pairs = Math.Min(n, m) / 2, total = n + m, d = z.shape[1];
        long chunk = Math.Max(1, options.MaxKernelBytes / (8L * 8 * Math.Max(1, d))); // 4 gathered rows + differences
        double Estimate(Tensor ix, Tensor iy)
        {
            using var scope = NewDisposeScope();
            double sum = 0;
            for (long p0 = 0; p0 < pairs; p0 += chunk)
            {
                long len = Math.Min(chunk, pairs - p0);
                Tensor Rows(Tensor index, long offset) =>
                    z.index_select(0, index.narrow(0, 2 * p0 + offset, 2 * len - 1).slice(0, 0, 2 * len - 1, 2).to(z.device));
                Tensor x1 = Rows(ix, 0), x2 = Rows(ix, 1), y1 = Rows(iy, 0), y2 = Rows(iy, 1);
                sum += kernel.Pairs(x1, x2).add_(kernel.Pairs(y1, y2), TorchScalars.One).sub_(kernel.Pairs(x1, y2)).sub_(kernel.Pairs(x2, y1)).sum().item<double>();
            }
            return sum / pairs;
        }
        var values = new double[1 + options.Permutations + options.BootstrapResamples];
        using var nScalar = n.ToScalar();
        using var totalScalar = total.ToScalar();
        using (NewDisposeScope())
            values[0] = Estimate(torch.arange(TorchScalars.Zero, nScalar, TorchScalars.One, dtype: ScalarType.Int64),
                torch.arange(nScalar, totalScalar, TorchScalars.One, dtype: ScalarType.Int64));
        for (int r = 1; r < values.Length; r++)
        {
            using var scope = NewDisposeScope();
            if (r <= options.Permutations)
            {
                var order = torch.randperm(total, generator: generator);
                values[r] = Estimate(order.narrow(0, 0, n), order.narrow(0, n, m));
            }
            else
                values[r] = Estimate(torch.randint(n, [n], dtype: ScalarType.Int64, generator: generator),
                                     torch.randint(m, [m], dtype: ScalarType.Int64, generator: generator).add_(nScalar, TorchScalars.One));
        }
        return (values[0], values[1..(1 + options.Permutations)], values[(1 + options.Permutations)..]);
    }

    private static Tensor Pool(Tensor x, Tensor y, string caller)
    {
        if (x.dim() != 2 || y.dim() != 2 || x.shape[1] != y.shape[1])
            throw new NeuroLensException(
                $"{caller}: x and y must be 2-D with the same number of columns (rows are samples), got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        if (x.shape[0] == 0 || y.shape[0] == 0 || x.shape[1] == 0)
            throw new NeuroLensException($"{caller}: x and y need at least one row and one column, got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        if (x.is_complex() || y.is_complex() || x.dtype == ScalarType.Bool || y.dtype == ScalarType.Bool)
            throw new NeuroLensException($"{caller}: x and y must hold real numbers, got {x.dtype} and {y.dtype}.");
        var z = torch.cat([x.detach().to(ScalarType.Float64), y.detach().to(ScalarType.Float64, x.device)], 0).contiguous();
        if (!torch.isfinite(z).all().item<bool>())
            throw new NeuroLensException($"{caller}: x and y must be finite; found NaN or infinity.");
        return z;
    }

    private static void CheckOptions(MmdOptions options)
    {
        if (options.Bandwidths is { } several)
        {
            if (several.Count == 0 || several.Any(s => !(s > 0.0 && double.IsFinite(s))))
                throw new NeuroLensException($"Mmd: Bandwidths must be a non-empty list of finite σ > 0, got [{string.Join(", ", several)}].");
        }
        else if (options.Bandwidth is { } sigma && !(sigma > 0.0 && double.IsFinite(sigma)))
            throw new NeuroLensException($"Mmd: Bandwidth must be a finite σ > 0, got {sigma}.");
        if (options.Permutations < 0 || options.BootstrapResamples < 0)
            throw new NeuroLensException($"Mmd: Permutations and BootstrapResamples must be ≥ 0, got {options.Permutations} and {options.BootstrapResamples}.");
        if (!(options.ConfidenceLevel > 0.0 && options.ConfidenceLevel < 1.0))
            throw new NeuroLensException($"Mmd: ConfidenceLevel must be strictly between 0 and 1, got {options.ConfidenceLevel}.");
        if (options.MaxKernelBytes < 8)
            throw new NeuroLensException($"Mmd: MaxKernelBytes must be at least 8, got {options.MaxKernelBytes}.");
        if (!Enum.IsDefined(options.Estimator))
            throw new NeuroLensException($"Mmd: unknown estimator {options.Estimator}.");
    }
}
