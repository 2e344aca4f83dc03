using NeuroLens.Core.Statistics;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.Statistics;

public class PcaTests
{
    private static readonly System.Text.Json.JsonElement Fixture = StatisticsFixture.Load("pca.json");

    private static double[][] Rows(Tensor t) =>
        Enumerable.Range(0, (int)t.shape[0]).Select(i => t[i].data<double>().ToArray()).ToArray();

    [Fact]
    public void MatchesSklearnUpToTheSignOfEachComponent()
    {
        using var data = Fixture.GetProperty("data").Matrix();
        int k = Fixture.GetProperty("components_count").GetInt32();
        using var pca = Pca.Fit(data, k);

        double[][] expected = Fixture.GetProperty("components").Rows();
        double[][] got = Rows(pca.Components);
        double[][] expectedScores = Fixture.GetProperty("transformed").Rows();
        using var scores = pca.Transform(data);
        double[][] gotScores = Rows(scores);
        for (int c = 0; c < k; c++)
        {
            double sign = Math.Sign(got[c].Zip(expected[c], (a, b) => a * b).Sum());
            for (int j = 0; j < got[c].Length; j++) Assert.Equal(sign * expected[c][j], got[c][j], 1e-10);
            for (int i = 0; i < gotScores.Length; i++) Assert.Equal(sign * expectedScores[i][c], gotScores[i][c], 1e-9);
        }

        AssertRelative(Fixture.GetProperty("explained_variance").Doubles(), pca.ExplainedVariance.data<double>().ToArray(), 1e-10);
        AssertRelative(Fixture.GetProperty("explained_variance_ratio").Doubles(), pca.ExplainedVarianceRatio.data<double>().ToArray(), 1e-10);
        AssertRelative(Fixture.GetProperty("singular_values").Doubles(), pca.SingularValues.data<double>().ToArray(), 1e-10);
        double[] mean = Fixture.GetProperty("mean").Doubles();
        Assert.All(mean.Zip(pca.Mean.data<double>().ToArray()), p => Assert.Equal(p.First, p.Second, 1e-12));
        Assert.Equal((60L, 3L, 5L), (pca.Samples, pca.ComponentCount, pca.Features));
    }

    [Fact]
    public void SignConventionMakesTheLargestEntryPositiveAndIgnoresTheDataSign()
    {
        using var data = Fixture.GetProperty("data").Matrix();
        using var pca = Pca.Fit(data, 3);
        foreach (double[] row in Rows(pca.Components))
        {
            double largest = row.MaxBy(Math.Abs);
            Assert.True(largest > 0, "largest-|value| entry must be positive");
        }
        // −X has the same principal axes up to sign; the convention picks the same signs.
        using var negated = -data;
        using var flipped = Pca.Fit(negated, 3);
        Assert.True(flipped.Components.allclose(pca.Components, rtol: 0, atol: 1e-12));
        using var again = Pca.Fit(data, 3);
        Assert.True(again.Components.equal(pca.Components).all().item<bool>());
    }

    [Fact]
    public void InverseTransformReconstructsAndLosesExactlyTheDroppedVariance()
    {
        using var data = Fixture.GetProperty("data").Matrix();
        using (var full = Pca.Fit(data, 5))
        using (var scores = full.Transform(data))
        using (var back = full.InverseTransform(scores))
            Assert.True(back.allclose(data, rtol: 0, atol: 1e-10));

        using var all = Pca.Fit(data, 5);
        using var two = Pca.Fit(data, 2);
        using var twoScores = two.Transform(data);
        using var reconstruction = two.InverseTransform(twoScores);
        double residual = (data - reconstruction).square().sum().item<double>();
        double dropped = all.ExplainedVariance.data<double>().Skip(2).Sum() * (60 - 1);
        Assert.Equal(dropped, residual, dropped * 1e-10);
        Assert.Equal(1.0, all.ExplainedVarianceRatio.sum().item<double>(), 1e-14);
    }

    [Fact]
    public void FloatAndIntegerInputsWork()
    {
        using var data = Fixture.GetProperty("data").Matrix();
        using var single = data.to(ScalarType.Float32);
        using var pca32 = Pca.Fit(single, 2);
        using var pca64 = Pca.Fit(data, 2);
        Assert.Equal(ScalarType.Float32, pca32.Components.dtype);
        using var c32 = pca32.Components.to(ScalarType.Float64);
        Assert.True(c32.allclose(pca64.Components, rtol: 0, atol: 1e-4));

        using var integers = tensor(new long[] { 1, 2, 2, 4, 3, 6, 4, 8 }, 4, 2);
        using var pcaInt = Pca.Fit(integers, 1);
        Assert.Equal(ScalarType.Float64, pcaInt.Components.dtype);
        // Points on the line y = 2x: one component along (1, 2)/√5 carrying all the variance.
        Assert.Equal(1 / Math.Sqrt(5), pcaInt.Components[0, 0].item<double>(), 1e-12);
        Assert.Equal(1.0, pcaInt.ExplainedVarianceRatio[0].item<double>(), 1e-12);
    }

    [Fact]
    public void InvalidArguments()
    {
        using var data = zeros(4, 3, dtype: ScalarType.Float64);
        Assert.Throws<NeuroLensException>(() => Pca.Fit(data, 0));
        Assert.Throws<NeuroLensException>(() => Pca.Fit(data, 4));
        using var one = zeros(1, 3);
        Assert.Throws<NeuroLensException>(() => Pca.Fit(one, 1));
        using var vector = zeros(5);
        Assert.Throws<NeuroLensException>(() => Pca.Fit(vector, 1));
        using var pca = Pca.Fit(data, 2);
        Assert.True(double.IsNaN(pca.ExplainedVarianceRatio[0].item<double>())); // no variance at all
        using var wrong = zeros(2, 4, dtype: ScalarType.Float64);
        Assert.Throws<NeuroLensException>(() => pca.Transform(wrong));
        Assert.Throws<NeuroLensException>(() => pca.InverseTransform(wrong));
    }

    private static void AssertRelative(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * Math.Abs(expected[i]), $"[{i}] {actual[i]:R} vs {expected[i]:R}");
    }
}
