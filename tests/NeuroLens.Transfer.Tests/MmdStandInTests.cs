using NeuroLens.Core.Statistics;
using static TorchSharp.torch;

namespace NeuroLens.Transfer.Tests;

/// <summary>The MMD API this study codes against, checked where the study relies on it.</summary>
public sealed class MmdStandInTests
{
    private static Tensor Sample(int n, double shift, int seed)
    {
        var random = new Random(seed);
        return tensor(Enumerable.Range(0, n * 4).Select(_ => random.NextDouble() + shift).ToArray(), [n, 4]);
    }

    [Fact]
    public void UnbiasedMmdEqualsTheDirectFormulaWithTheMedianHeuristic()
    {
        using var x = Sample(6, 0, 1);
        using var y = Sample(5, 0.3, 2);
        var result = Mmd.Compute(x, y);
        var z = cat([x, y], 0).data<double>().ToArray();
        double D(int i, int j) => Enumerable.Range(0, 4).Sum(a => Math.Pow(z[i * 4 + a] - z[j * 4 + a], 2));
        var pairs = new List<double>();
        for (int i = 0; i < 11; i++) for (int j = i + 1; j < 11; j++) pairs.Add(D(i, j));
        pairs.Sort();
        double median = pairs[pairs.Count / 2]; // 55 pairs: the middle one
        double K(int i, int j) => Math.Exp(-D(i, j) / median);
        double xx = 0, yy = 0, xy = 0;
        for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) if (i != j) xx += K(i, j);
        for (int i = 6; i < 11; i++) for (int j = 6; j < 11; j++) if (i != j) yy += K(i, j);
        for (int i = 0; i < 6; i++) for (int j = 6; j < 11; j++) xy += K(i, j);
        double expected = xx / 30 + yy / 20 - 2 * xy / 30;
        Assert.Equal(expected, result.Mmd2, 10);
        Assert.Equal(Math.Sqrt(median / 2), result.Bandwidth, 10);
    }

    [Fact]
    public void PermutationTestSeparatesShiftedSamplesFromOneDistribution()
    {
        using var x = Sample(20, 0, 1);
        using var near = Sample(20, 0, 2);
        using var far = Sample(20, 1, 3);
        var options = new MmdOptions { Permutations = 200, Seed = 4 };
        Assert.True(Mmd.Compute(x, far, options).PValue < 0.01);
        Assert.True(Mmd.Compute(x, near, options).PValue > 0.05);
        Assert.True(Mmd.Compute(x, far, options).Mmd2 > Mmd.Compute(x, near, options).Mmd2);
    }

    [Fact]
    public void MantelFindsAPerfectMonotoneRelation()
    {
        var a = new double[5, 5];
        var b = new double[5, 5];
        double[] pos = [0, 1, 3, 6, 10];
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) { a[i, j] = Math.Abs(pos[i] - pos[j]); b[i, j] = 2 * a[i, j] + 1; }
        var (r, p) = Mantel.Test(a, b, 119, 0);
        Assert.Equal(1.0, r, 12);
        Assert.True(p < 0.05, $"p = {p}");
    }
}
