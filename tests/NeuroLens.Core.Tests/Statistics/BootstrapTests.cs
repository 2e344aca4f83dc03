using NeuroLens.Core.Statistics;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.Statistics;

public class BootstrapTests
{
    [Fact]
    public void PercentileBoundsFollowTheLinearConvention()
    {
        // The statistic ignores the data and counts its calls: the estimate is 0, the replicates 1..10.
        // At level 0.8 the bounds are the 0.1 and 0.9 quantiles of 1..10: h = 0.9 → 1.9 and h = 8.1 → 9.1.
        int calls = 0;
        var interval = Bootstrap.PercentileInterval([1.0, 2.0, 3.0], _ => calls++, confidenceLevel: 0.8, resamples: 10);
        Assert.Equal(0.0, interval.Estimate);
        Assert.Equal(1.9, interval.Lower, 1e-14);
        Assert.Equal(9.1, interval.Upper, 1e-14);
        Assert.Equal(0.8, interval.ConfidenceLevel);
        Assert.Equal(10, interval.Resamples);
    }

    [Fact]
    public void IntervalOfTheMeanCoversAtAboutTheNominalRate()
    {
        // 200 normal samples of 30 with mean 2; 90 % intervals. The percentile bootstrap of a mean covers
        // slightly less than nominal at n = 30 (about 88 %); the bounds allow ~4 binomial standard
        // deviations, and a wrong level or swapped quantiles would fall far outside.
        var data = new Random(30);
        int covered = 0;
        for (int r = 0; r < 200; r++)
        {
            double[] sample = StatisticsFixture.Normal(data, 30, mean: 2.0);
            var ci = Bootstrap.PercentileInterval(sample, s => s.Average(), confidenceLevel: 0.9, resamples: 999, seed: r);
            Assert.True(ci.Lower <= ci.Estimate && ci.Estimate <= ci.Upper);
            if (ci.Lower <= 2.0 && 2.0 <= ci.Upper) covered++;
        }
        Assert.InRange(covered, 158, 194);
    }

    [Fact]
    public void ResamplesAreDrawnWithReplacementFromTheSample()
    {
        double[] sample = [1, 2, 3, 4, 5];
        var seen = new List<double[]>();
        Bootstrap.PercentileInterval(sample, s => { seen.Add((double[])s.Clone()); return s.Sum(); }, resamples: 200);
        Assert.Equal(201, seen.Count);
        Assert.Equal(sample, seen[0]);
        Assert.All(seen.Skip(1), s => Assert.True(s.Length == 5 && s.All(sample.Contains)));
        Assert.Contains(seen.Skip(1), s => s.Distinct().Count() < 5); // some value repeated
    }

    [Fact]
    public void SameSeedSameIntervalDifferentSeedsDiffer()
    {
        double[] sample = StatisticsFixture.Normal(new Random(1), 20);
        var a = Bootstrap.PercentileInterval(sample, s => s.Average(), resamples: 500, seed: 7);
        Assert.Equal(a, Bootstrap.PercentileInterval(sample, s => s.Average(), resamples: 500, seed: 7));
        Assert.NotEqual(a, Bootstrap.PercentileInterval(sample, s => s.Average(), resamples: 500, seed: 8));
    }

    [Fact]
    public void ConstantSampleGivesADegenerateInterval()
    {
        var ci = Bootstrap.PercentileInterval([4.0, 4.0, 4.0], s => s.Average(), resamples: 50);
        Assert.Equal((4.0, 4.0, 4.0), (ci.Estimate, ci.Lower, ci.Upper));
    }

    [Fact]
    public void TensorRowsAreResampled()
    {
        using var generator = new Generator(3);
        using var sample = randn(40, 2, dtype: ScalarType.Float64, generator: generator) + 5.0;
        static double FirstColumnMean(Tensor t) => t[.., 0].mean().item<double>();
        var ci = Bootstrap.PercentileInterval(sample, FirstColumnMean, confidenceLevel: 0.95, resamples: 400, seed: 2);
        Assert.Equal(ci, Bootstrap.PercentileInterval(sample, FirstColumnMean, confidenceLevel: 0.95, resamples: 400, seed: 2));
        Assert.True(ci.Lower < ci.Estimate && ci.Estimate < ci.Upper);
        // Standard error of a mean of 40 unit-variance values is about 0.16: the 95 % interval spans about 0.6.
        Assert.InRange(ci.Upper - ci.Lower, 0.35, 0.95);
    }

    [Fact]
    public void InvalidOptions()
    {
        Assert.Throws<NeuroLensException>(() => Bootstrap.PercentileInterval([1.0, 2.0], s => s[0], confidenceLevel: 1.0));
        Assert.Throws<NeuroLensException>(() => Bootstrap.PercentileInterval([1.0, 2.0], s => s[0], resamples: 0));
        Assert.Throws<NeuroLensException>(() => Bootstrap.PercentileInterval(Array.Empty<double>(), s => 0.0));
        var nan = Bootstrap.PercentileInterval([1.0, 2.0], s => double.NaN, resamples: 5);
        Assert.True(double.IsNaN(nan.Lower) && double.IsNaN(nan.Upper));
    }

    [Fact]
    public void FromReplicatesTakesTheLinearPercentiles()
    {
        // 0, 1, …, 100: the 2.5 % and 97.5 % quantiles by numpy's linear rule are 2.5 and 97.5.
        double[] replicates = Enumerable.Range(0, 101).Select(i => (double)(100 - i)).ToArray();
        var ci = Bootstrap.FromReplicates(50.0, replicates, 0.95);
        Assert.Equal((50.0, 0.95, 101), (ci.Estimate, ci.ConfidenceLevel, ci.Resamples));
        Assert.Equal(2.5, ci.Lower, 1e-12);
        Assert.Equal(97.5, ci.Upper, 1e-12);
        Assert.Equal(100.0, replicates[0]); // not sorted in place
        Assert.Throws<NeuroLensException>(() => Bootstrap.FromReplicates(0.0, [], 0.95));
    }
}
