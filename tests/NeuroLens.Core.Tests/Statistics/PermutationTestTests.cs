using NeuroLens.Core.Statistics;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.Statistics;

public class PermutationTestTests
{
    private static double MeanDifference(double[] x, double[] y) => x.Average() - y.Average();

    [Fact]
    public void PValuesAreRoughlyUniformUnderTheNull()
    {
        // 400 tests of two samples from one distribution: about 5 % (20) below 0.05 and half below 0.5.
        // Bounds are ~4.5 binomial standard deviations, so a correct test fails with negligible probability,
        // while a p-value without the +1 correction, a wrong direction or a biased shuffle would not pass.
        var data = new Random(11);
        int below005 = 0, below05 = 0;
        const int repetitions = 400;
        for (int r = 0; r < repetitions; r++)
        {
            double[] x = StatisticsFixture.Normal(data, 12), y = StatisticsFixture.Normal(data, 15);
            var result = PermutationTest.TwoSample(x, y, MeanDifference, permutations: 199, seed: r);
            Assert.InRange(result.PValue, 1.0 / 200, 1.0);
            if (result.PValue <= 0.05) below005++;
            if (result.PValue <= 0.5) below05++;
        }
        Assert.InRange(below005, 4, 40);
        Assert.InRange(below05, 155, 245);
    }

    [Fact]
    public void ObviousEffectGivesTheSmallestPossiblePValue()
    {
        var data = new Random(5);
        double[] x = StatisticsFixture.Normal(data, 20, mean: 10), y = StatisticsFixture.Normal(data, 20);
        var greater = PermutationTest.TwoSample(x, y, MeanDifference, permutations: 999, seed: 3);
        Assert.Equal(1.0 / 1000, greater.PValue);
        Assert.Equal(0, greater.Exceedances);
        Assert.Equal(999, greater.Permutations);
        Assert.Equal(MeanDifference(x, y), greater.Statistic);

        // The same effect in the other direction: 'greater' finds nothing, 'less' and two-sided find it.
        Assert.Equal(1.0, PermutationTest.TwoSample(y, x, MeanDifference, permutations: 999, seed: 3).PValue);
        Assert.Equal(1.0 / 1000, PermutationTest.TwoSample(y, x, MeanDifference, 999, 3, Alternative.Less).PValue);
        Assert.Equal(1.0 / 1000, PermutationTest.TwoSample(y, x, MeanDifference, 999, 3, Alternative.TwoSided).PValue);
    }

    [Theory]
    [InlineData(1e-15, 1.0)]       // a rounding-level shortfall (within 100 ε relative) still counts
    [InlineData(1e-12, 1.0 / 21)]  // a real shortfall does not
    public void NearTiesWithinRoundingCountAsExtreme(double shortfall, double expected)
    {
        // The first call is the observed statistic 1; every permuted one falls short by the given amount,
        // as an equivalent rearrangement does when its sum is taken in another order.
        int calls = 0;
        var result = PermutationTest.Run(0, _ => calls++ == 0 ? 1.0 : 1.0 - shortfall, (d, _) => d, permutations: 20);
        Assert.Equal(expected, result.PValue);
        calls = 0;
        var twoSided = PermutationTest.Run(0, _ => calls++ == 0 ? -1.0 : -1.0 + shortfall, (d, _) => d, 20, 0, Alternative.TwoSided);
        Assert.Equal(expected, twoSided.PValue);
    }

    [Fact]
    public void SameSeedSameResultDifferentSeedsDiffer()
    {
        var data = new Random(8);
        double[] x = StatisticsFixture.Normal(data, 10, mean: 0.5), y = StatisticsFixture.Normal(data, 10);
        var a = PermutationTest.TwoSample(x, y, MeanDifference, permutations: 99, seed: 42);
        var b = PermutationTest.TwoSample(x, y, MeanDifference, permutations: 99, seed: 42);
        Assert.Equal(a, b);
        var pValues = Enumerable.Range(0, 5)
            .Select(s => PermutationTest.TwoSample(x, y, MeanDifference, permutations: 99, seed: s).PValue).Distinct();
        Assert.True(pValues.Count() > 1);
    }

    [Fact]
    public void GenericRunWithSignFlipsForPairedData()
    {
        // Paired design: under the null each difference is symmetric around 0, so signs are exchangeable.
        var data = new Random(2);
        double[] differences = StatisticsFixture.Normal(data, 25, mean: 3);
        var result = PermutationTest.Run(
            differences, d => d.Average(),
            (d, random) => d.Select(v => random.Next(2) == 0 ? -v : v).ToArray(),
            permutations: 499, seed: 1);
        Assert.Equal(1.0 / 500, result.PValue);
    }

    [Fact]
    public void TensorTwoSampleOnRows()
    {
        // Distance between the mean vectors of two groups of 3-D rows.
        static double MeanDistance(Tensor a, Tensor b) => (a.mean([0L]) - b.mean([0L])).norm().item<double>();
        using var generator = new Generator(9);
        using var x = randn(30, 3, dtype: ScalarType.Float64, generator: generator) + 4.0;
        using var y = randn(25, 3, dtype: ScalarType.Float64, generator: generator);
        var effect = PermutationTest.TwoSample(x, y, MeanDistance, permutations: 199, seed: 4);
        Assert.Equal(1.0 / 200, effect.PValue);
        Assert.Equal(effect, PermutationTest.TwoSample(x, y, MeanDistance, permutations: 199, seed: 4));

        int below01 = 0;
        for (int r = 0; r < 60; r++)
        {
            using var a = randn(10, 3, dtype: ScalarType.Float64, generator: generator);
            using var b = randn(10, 3, dtype: ScalarType.Float64, generator: generator);
            double p = PermutationTest.TwoSample(a, b, MeanDistance, permutations: 99, seed: r).PValue;
            Assert.InRange(p, 0.01, 1.0);
            if (p <= 0.1) below01++;
        }
        Assert.InRange(below01, 0, 17); // expected 6; 17 is more than 4 binomial standard deviations above
    }

    [Fact]
    public void InvalidArguments()
    {
        Assert.Throws<NeuroLensException>(() => PermutationTest.TwoSample([1.0], [2.0], MeanDifference, permutations: 0));
        Assert.Throws<NeuroLensException>(() => PermutationTest.TwoSample([], [2.0], MeanDifference));
        using var x = zeros(4, 2);
        using var y = zeros(4, 3);
        Assert.Throws<NeuroLensException>(() => PermutationTest.TwoSample(x, y, (a, b) => 0.0));
        Assert.True(double.IsNaN(PermutationTest.TwoSample([1.0], [2.0], (a, b) => double.NaN, 9).PValue));
    }

    [Fact]
    public void FromPermutedStatisticsCountsTheObserved()
    {
        // Two of five permuted values reach 3 (one within rounding): p = (1 + 2) / (1 + 5).
        var result = PermutationTest.FromPermutedStatistics(3.0, [1.0, 3.0 - 1e-15, 2.0, 4.0, -5.0]);
        Assert.Equal(new PermutationTestResult(3.0, 0.5, 5, 2), result);
        Assert.Equal(4.0 / 6, PermutationTest.FromPermutedStatistics(3.0, [1.0, 3.0 - 1e-15, 2.0, 4.0, -5.0], Alternative.TwoSided).PValue);
        Assert.Throws<NeuroLensException>(() => PermutationTest.FromPermutedStatistics(1.0, []));
    }
}
