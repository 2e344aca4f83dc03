using NeuroLens.Core.Statistics;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.Statistics;

public class MmdTests
{
    private static Tensor Normal(int rows, int columns, double shift, int seed)
    {
        using var generator = new Generator((ulong)seed);
        return randn([rows, columns], ScalarType.Float64, generator: generator).add_(shift);
    }

    private static double[][] Rows(Tensor t) =>
        Enumerable.Range(0, (int)t.shape[0]).Select(i => t[i].data<double>().ToArray()).ToArray();

    private static double SquaredDistance(double[] a, double[] b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += (a[k] - b[k]) * (a[k] - b[k]);
        return s;
    }

    // The textbook O(n²) double loop (Gretton et al. 2012, eqs. 3 and 5).
    private static (double Unbiased, double Biased) Direct(Tensor x, Tensor y, double[] sigmas)
    {
        double K(double[] a, double[] b) => sigmas.Average(s => Math.Exp(-SquaredDistance(a, b) / (2 * s * s)));
        double[][] xs = Rows(x), ys = Rows(y);
        int n = xs.Length, m = ys.Length;
        double xx = 0, yy = 0, xy = 0, xxDiag = 0, yyDiag = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) { double k = K(xs[i], xs[j]); xx += k; if (i == j) xxDiag += k; }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) { double k = K(ys[i], ys[j]); yy += k; if (i == j) yyDiag += k; }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) xy += K(xs[i], ys[j]);
        double unbiased = (xx - xxDiag) / (n * (n - 1.0)) + (yy - yyDiag) / (m * (m - 1.0)) - 2 * xy / (n * (double)m);
        double biased = xx / ((double)n * n) + yy / ((double)m * m) - 2 * xy / (n * (double)m);
        return (unbiased, biased);
    }

    [Theory]
    [InlineData(new[] { 1.7 })]
    [InlineData(new[] { 0.3, 1.0, 4.0 })]
    public void UnbiasedAndBiasedEqualTheDirectDoubleLoop(double[] sigmas)
    {
        using var x = Normal(30, 5, 0.0, 1);
        using var y = Normal(41, 5, 0.5, 2);
        var (unbiased, biased) = Direct(x, y, sigmas);
        var options = sigmas.Length == 1 ? new MmdOptions { Bandwidth = sigmas[0] } : new MmdOptions { Bandwidths = sigmas };
        var u = Mmd.Compute(x, y, options);
        var b = Mmd.Compute(x, y, options with { Estimator = MmdEstimator.Biased });
        Assert.Equal(unbiased, u.Mmd2, unbiased * 1e-6);
        Assert.Equal(biased, b.Mmd2, biased * 1e-6);
        Assert.True(b.Mmd2 > u.Mmd2); // the V-statistic's diagonal adds a positive bias
        Assert.Equal((30, 41, MmdEstimator.Unbiased), (u.NX, u.NY, u.Estimator));
        Assert.Null(u.PValue);
        Assert.Null(u.Lower);
    }

    [Fact]
    public void MatchesTheScipyFixture()
    {
        var fixture = StatisticsFixture.Load("mmd.json");
        using var x = fixture.GetProperty("x").Matrix();
        using var y = fixture.GetProperty("y").Matrix();
        double sigma = fixture.GetProperty("median_sigma").GetDouble();
        Assert.Equal(sigma, Mmd.MedianHeuristicBandwidth(x, y), sigma * 1e-12);
        foreach (var c in fixture.GetProperty("cases").EnumerateArray())
        {
            var options = new MmdOptions { Bandwidths = c.GetProperty("bandwidths").Doubles() };
            foreach (var (estimator, name) in new[] { (MmdEstimator.Unbiased, "unbiased"), (MmdEstimator.Biased, "biased"), (MmdEstimator.Linear, "linear") })
            {
                double expected = c.GetProperty(name).GetDouble();
                double actual = Mmd.Compute(x, y, options with { Estimator = estimator }).Mmd2;
                Assert.True(Math.Abs(actual - expected) <= 1e-9 * Math.Abs(expected), $"{name} σ=[{string.Join(", ", options.Bandwidths!)}]: {actual} vs {expected}");
            }
        }
        // With no bandwidth given, Compute uses the median heuristic and reports it.
        var median = Mmd.Compute(x, y);
        Assert.Equal(sigma, median.Bandwidth, sigma * 1e-12);
        double unbiased = fixture.GetProperty("cases")[0].GetProperty("unbiased").GetDouble();
        Assert.Equal(unbiased, median.Mmd2, Math.Abs(unbiased) * 1e-9);
    }

    [Theory]
    [InlineData(MmdEstimator.Unbiased, false)]
    [InlineData(MmdEstimator.Biased, false)]
    [InlineData(MmdEstimator.Unbiased, true)]
    [InlineData(MmdEstimator.Linear, false)]
    public void BlockwiseEqualsUnblocked(MmdEstimator estimator, bool multiScale)
    {
        using var x = Normal(37, 4, 0.0, 3);
        using var y = Normal(33, 4, 0.3, 4);
        var options = new MmdOptions
        {
            Estimator = estimator, Permutations = 40, BootstrapResamples = 25, Seed = 9,
            Bandwidths = multiScale ? [0.7, 2.5] : null,
        };
        var whole = Mmd.Compute(x, y, options);
        // 4,000 bytes: tiles of 22 (one bandwidth) or 12 rows (several) out of 70, and 3 weight columns per pass.
        var tiled = Mmd.Compute(x, y, options with { MaxKernelBytes = 4000 });
        Assert.Equal(whole.Mmd2, tiled.Mmd2, 1e-9 * Math.Abs(whole.Mmd2));
        Assert.Equal(whole.PValue!.Value, tiled.PValue!.Value, 1e-12);
        Assert.Equal(whole.Lower!.Value, tiled.Lower!.Value, 1e-9 * Math.Abs(whole.Lower.Value));
        Assert.Equal(whole.Upper!.Value, tiled.Upper!.Value, 1e-9 * Math.Abs(whole.Upper.Value));
        Assert.Equal(whole, Mmd.Compute(x, y, options)); // same seed, same result
    }

    [Fact]
    public void BlockwiseWithHalvedDiagonalTilesEqualsUnblocked()
    {
        // 320 + 280 rows; 720,000 bytes give 300-row tiles, whose diagonal tiles (≥ 256 rows) are cut in halves.
        using var x = Normal(320, 6, 0.0, 11);
        using var y = Normal(280, 6, 0.2, 12);
        foreach (var estimator in new[] { MmdEstimator.Unbiased, MmdEstimator.Biased })
        {
            var options = new MmdOptions { Estimator = estimator, Permutations = 20, BootstrapResamples = 10, Seed = 3 };
            var whole = Mmd.Compute(x, y, options);
            var tiled = Mmd.Compute(x, y, options with { MaxKernelBytes = 720_000 });
            Assert.Equal(whole.Mmd2, tiled.Mmd2, 1e-9 * Math.Abs(whole.Mmd2));
            Assert.Equal(whole.PValue!.Value, tiled.PValue!.Value, 1e-12);
            Assert.Equal(whole.Lower!.Value, tiled.Lower!.Value, 1e-9 * Math.Abs(whole.Lower.Value));
            Assert.Equal(whole.Upper!.Value, tiled.Upper!.Value, 1e-9 * Math.Abs(whole.Upper.Value));
        }
    }

    [Theory]
    [InlineData(70, 22)]
    [InlineData(600, 300)]
    [InlineData(1000, 257)]
    [InlineData(5, 5)]
    public void UpperBlocksCoverTheUpperTriangleOnce(long n, long tile)
    {
        var count = new int[n, n];
        foreach (var (i0, rows, j0, columns) in RbfKernel.UpperBlocks(n, tile))
        {
            Assert.True(rows <= tile && columns <= tile);
            // A diagonal block (i0 = j0) is symmetric and stands for each of its pairs once; any other
            // block stands for each of its entries and their mirrors.
            for (long i = i0; i < i0 + rows; i++)
                for (long j = i0 == j0 ? i : j0; j < j0 + columns; j++) count[Math.Min(i, j), Math.Max(i, j)]++;
        }
        for (long i = 0; i < n; i++)
            for (long j = i; j < n; j++) Assert.Equal(1, count[i, j]);
    }

    [Fact]
    public void UnbiasedIsNearZeroForOneDistributionAndClearlyPositiveForAShift()
    {
        // 20 pairs of samples of N(0, I₃): the unbiased mean is within 3 standard errors of 0, the biased one is
        // far above (its bias is (1/n + 1/m)(1 − E k) ≈ 0.02 here, 10 standard errors), and a shift of one σ in each coordinate stands out.
        const int repetitions = 20;
        var unbiased = new double[repetitions];
        var biased = new double[repetitions];
        var shifted = new double[repetitions];
        var options = new MmdOptions { Bandwidth = 1.5 };
        for (int r = 0; r < repetitions; r++)
        {
            using var scope = NewDisposeScope();
            var x = Normal(60, 3, 0.0, 100 + r);
            var y = Normal(60, 3, 0.0, 200 + r);
            unbiased[r] = Mmd.Compute(x, y, options).Mmd2;
            biased[r] = Mmd.Compute(x, y, options with { Estimator = MmdEstimator.Biased }).Mmd2;
            shifted[r] = Mmd.Compute(x, Normal(60, 3, 1.0, 300 + r), options).Mmd2;
        }
        double mean = unbiased.Average();
        double sd = Math.Sqrt(unbiased.Sum(v => (v - mean) * (v - mean)) / (repetitions - 1));
        double standardError = sd / Math.Sqrt(repetitions);
        Assert.InRange(mean, -3 * standardError, 3 * standardError);
        Assert.Contains(unbiased, v => v < 0); // a U-statistic, not clamped
        Assert.True(biased.Average() > mean + 5 * standardError, $"biased {biased.Average()} unbiased {mean} se {standardError}");
        Assert.True(shifted.Min() > 10 * sd, $"shifted {shifted.Min()} vs null sd {sd}");
    }

    [Fact]
    public void PermutationPValuesAreRoughlyUniformUnderTheNull()
    {
        // 200 null tests with 99 permutations: about 10 p-values ≤ 0.05 and 100 ≤ 0.5. The bounds are about
        // 4 binomial standard deviations; a p-value without the +1, or with a bandwidth re-estimated per
        // permutation, or permutations that do not mix the samples would not pass.
        int below005 = 0, below05 = 0;
        const int repetitions = 200;
        for (int r = 0; r < repetitions; r++)
        {
            using var scope = NewDisposeScope();
            var result = Mmd.Compute(Normal(10, 2, 0.0, 1000 + r), Normal(12, 2, 0.0, 2000 + r), new MmdOptions { Permutations = 99, Seed = r });
            Assert.InRange(result.PValue!.Value, 0.01, 1.0);
            if (result.PValue <= 0.05) below005++;
            if (result.PValue <= 0.5) below05++;
        }
        Assert.InRange(below005, 1, 23);
        Assert.InRange(below05, 72, 128);
    }

    [Theory]
    [InlineData(MmdEstimator.Unbiased)]
    [InlineData(MmdEstimator.Biased)]
    [InlineData(MmdEstimator.Linear)]
    public void AnObviousShiftGivesTheSmallestPValue(MmdEstimator estimator)
    {
        using var x = Normal(40, 3, 0.0, 5);
        using var y = Normal(40, 3, 5.0, 6);
        var result = Mmd.Compute(x, y, new MmdOptions { Estimator = estimator, Permutations = 199, Bandwidth = 2.0 });
        Assert.Equal(1.0 / 200, result.PValue);
        Assert.Equal(199, result.Permutations);
    }

    [Fact]
    public void BootstrapIntervalSurroundsTheEstimate()
    {
        using var x = Normal(50, 3, 0.0, 7);
        using var y = Normal(50, 3, 0.8, 8);
        var result = Mmd.Compute(x, y, new MmdOptions { BootstrapResamples = 200, Seed = 1 });
        Assert.True(result.Lower < result.Mmd2 && result.Mmd2 < result.Upper, $"{result.Lower} < {result.Mmd2} < {result.Upper}");
        var narrower = Mmd.Compute(x, y, new MmdOptions { BootstrapResamples = 200, Seed = 1, ConfidenceLevel = 0.5 });
        Assert.True(narrower.Upper - narrower.Lower < result.Upper - result.Lower);
        Assert.NotEqual(result.Lower, Mmd.Compute(x, y, new MmdOptions { BootstrapResamples = 200, Seed = 2 }).Lower);
    }

    [Fact]
    public void MedianHeuristicMatchesABruteForceMedian()
    {
        // 13 + 8 points: 210 distinct pairs, an even count, so the median is the mean of the middle two.
        using var x = Normal(13, 4, 0.0, 11);
        using var y = Normal(8, 4, 1.0, 12);
        double[][] pooled = [.. Rows(x), .. Rows(y)];
        var distances = new List<double>();
        for (int i = 0; i < pooled.Length; i++)
            for (int j = i + 1; j < pooled.Length; j++) distances.Add(SquaredDistance(pooled[i], pooled[j]));
        distances.Sort();
        double median = (distances[104] + distances[105]) / 2;
        Assert.Equal(Math.Sqrt(median / 2), Mmd.MedianHeuristicBandwidth(x, y), 1e-12);
    }

    [Fact]
    public void MedianHeuristicSubsamplesLargeSamplesDeterministically()
    {
        using var x = Normal(2300, 2, 0.0, 13);
        using var y = Normal(40, 2, 0.0, 14);
        double sigma = Mmd.MedianHeuristicBandwidth(x, y);
        Assert.Equal(sigma, Mmd.MedianHeuristicBandwidth(x, y));
        // For N(0, I₂) points ‖a − b‖² ~ 4·Exp(1)/2·2 has median 4 ln 2, so σ ≈ √(2 ln 2) = 1.18.
        Assert.InRange(sigma, 1.18 * 0.95, 1.18 * 1.05);
    }

    [Fact]
    public void InvalidInputsAreOneLineErrors()
    {
        using var x = Normal(5, 3, 0, 1);
        Assert.Contains("same number of columns", Assert.Throws<NeuroLensException>(() => Mmd.Compute(x, Normal(5, 2, 0, 2))).Message);
        Assert.Contains("at least 2 rows", Assert.Throws<NeuroLensException>(() => Mmd.Compute(x, Normal(1, 3, 0, 2))).Message);
        Assert.Contains("σ > 0", Assert.Throws<NeuroLensException>(() => Mmd.Compute(x, x, new MmdOptions { Bandwidth = 0 })).Message);
        using var same = ones(4, 3, dtype: ScalarType.Float64);
        Assert.Contains("give a bandwidth", Assert.Throws<NeuroLensException>(() => Mmd.Compute(same, same)).Message);
        using var nan = full(3, 3, double.NaN, dtype: ScalarType.Float64);
        Assert.Contains("finite", Assert.Throws<NeuroLensException>(() => Mmd.Compute(x, nan)).Message);
    }
}
