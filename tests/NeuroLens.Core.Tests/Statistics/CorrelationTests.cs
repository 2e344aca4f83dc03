using NeuroLens.Core.Statistics;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.Statistics;

public class CorrelationTests
{
    private static readonly System.Text.Json.JsonElement Fixture = StatisticsFixture.Load("correlation.json");

    public static TheoryData<string> Cases() =>
        new(Fixture.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    private static System.Text.Json.JsonElement Case(string name) =>
        Fixture.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void PearsonAndSpearmanAgreeWithScipy(string name)
    {
        var c = Case(name);
        double[] x = c.GetProperty("x").Doubles(), y = c.GetProperty("y").Doubles();
        Assert.Equal(c.GetProperty("pearson").GetDouble(), Correlation.Pearson(x, y), 1e-12);
        Assert.Equal(c.GetProperty("spearman").GetDouble(), Correlation.Spearman(x, y), 1e-12);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AverageRanksEqualScipyRankdata(string name)
    {
        var c = Case(name);
        Assert.Equal(c.GetProperty("rank_x").Doubles(), Ranks.Average(c.GetProperty("x").Doubles()));
        Assert.Equal(c.GetProperty("rank_y").Doubles(), Ranks.Average(c.GetProperty("y").Doubles()));
    }

    [Fact]
    public void TensorOverloadsEqualArrayOverloadsForAnyRealType()
    {
        var c = Case("ties_with_signal");
        double[] x = c.GetProperty("x").Doubles(), y = c.GetProperty("y").Doubles();
        using var tx = tensor(x);
        using var ty = tensor(y).to(ScalarType.Float32); // small integers: exact in float32
        Assert.Equal(Correlation.Pearson(x, y), Correlation.Pearson(tx, ty));
        Assert.Equal(Correlation.Spearman(x, y), Correlation.Spearman(tx, ty));
        using var matrix = tensor(x).reshape(2, -1);
        Assert.Throws<NeuroLensException>(() => Correlation.Pearson(matrix, matrix));
    }

    [Fact]
    public void HandComputedTies()
    {
        // Ranks of [10, 20, 20, 30, 20]: the three 20s share ranks 2..4 → 3.
        Assert.Equal(new[] { 1.0, 3.0, 3.0, 5.0, 3.0 }, Ranks.Average([10, 20, 20, 30, 20]));
        // Spearman of [1, 2, 2] against [1, 2, 3]: ranks [1, 2.5, 2.5] vs [1, 2, 3] → r = 1.5 / √(1.5 · 2).
        Assert.Equal(1.5 / Math.Sqrt(3.0), Correlation.Spearman([1, 2, 2], [1, 2, 3]), 1e-15);
    }

    [Fact]
    public void ConstantOrNaNInputGivesNaN()
    {
        Assert.True(double.IsNaN(Correlation.Pearson([1, 1, 1], [1, 2, 3])));
        Assert.True(double.IsNaN(Correlation.Spearman([1, 2, 3], [4, 4, 4])));
        Assert.True(double.IsNaN(Correlation.Pearson([1, double.NaN, 3], [1, 2, 3])));
        Assert.True(double.IsNaN(Correlation.Spearman([1, 2, 3], [double.NaN, 2, 3])));
        Assert.All(Ranks.Average([3, double.NaN, 1]), r => Assert.True(double.IsNaN(r)));
    }

    [Fact]
    public void PerfectRelationsGivePlusOrMinusOne()
    {
        double[] x = [0.5, 1.5, 2.0, 7.0, 9.5];
        Assert.Equal(1.0, Correlation.Pearson(x, x.Select(v => 3 * v - 2).ToArray()), 1e-15);
        Assert.Equal(-1.0, Correlation.Spearman(x, x.Select(v => -Math.Exp(v)).ToArray()), 1e-15);
        Assert.InRange(Correlation.Pearson(x, x), -1.0, 1.0);
    }

    [Fact]
    public void MismatchedOrTooShortSamplesAreRejected()
    {
        Assert.Throws<NeuroLensException>(() => Correlation.Pearson([1, 2, 3], [1, 2]));
        Assert.Throws<NeuroLensException>(() => Correlation.Spearman([1], [1]));
    }
}
