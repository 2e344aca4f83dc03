using NeuroLens.Core.Statistics;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.Statistics;

public class NormalQuantileTests
{
    private static readonly System.Text.Json.JsonElement Fixture = StatisticsFixture.Load("normal.json");

    [Fact]
    public void QuantileAgreesWithScipyToOneBillionthIncludingTails()
    {
        double[] p = Fixture.GetProperty("quantile").GetProperty("p").Doubles();
        double[] expected = Fixture.GetProperty("quantile").GetProperty("x").Doubles();
        Assert.True(p.Length > 400);
        double worst = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double error = Math.Abs(NormalQuantile.Of(p[i]) - expected[i]);
            Assert.True(error <= 1e-9, $"Φ⁻¹({p[i]:R}) off by {error} from scipy's {expected[i]:R}");
            worst = Math.Max(worst, error / Math.Max(1.0, Math.Abs(expected[i])));
        }
        Assert.True(worst < 1e-13, $"worst relative error {worst}");
    }

    [Fact]
    public void EndpointsAndInvalidProbabilities()
    {
        Assert.Equal(double.NegativeInfinity, NormalQuantile.Of(0.0));
        Assert.Equal(double.PositiveInfinity, NormalQuantile.Of(1.0));
        Assert.Equal(0.0, NormalQuantile.Of(0.5));
        foreach (double p in new[] { -1e-300, -0.5, 1.0000000000000002, 2.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            Assert.True(double.IsNaN(NormalQuantile.Of(p)), $"p = {p}");
    }

    [Fact]
    public void QuantileIsOddAroundOneHalf()
    {
        foreach (double p in new[] { Math.ScaleB(1, -40), Math.ScaleB(1, -20), 0.01, 0.25, 0.4375, 0.075 })
            Assert.Equal(-NormalQuantile.Of(p), NormalQuantile.Of(1.0 - p), 1e-9 * Math.Max(1, Math.Abs(NormalQuantile.Of(p))));
    }

    [Fact]
    public void CdfOfQuantileRoundTrips()
    {
        double[] p = Fixture.GetProperty("quantile").GetProperty("p").Doubles();
        foreach (double pi in p.Where(v => v >= 1e-300))
        {
            double x = NormalQuantile.Of(pi);
            // Compare in the tail that holds the information: Φ(x) for p ≤ ½, Q(x) against the exact 1 − p above.
            (double got, double want) = pi <= 0.5 ? (NormalCdf.Of(x), pi) : (NormalCdf.UpperTail(x), 1.0 - pi);
            Assert.True(Math.Abs(got - want) <= 1e-12 * want, $"p = {pi:R}: round trip gave {got:R} for {want:R}");
        }
    }

    [Fact]
    public void CdfAndUpperTailAgreeWithFortyDigitReference()
    {
        var cdf = Fixture.GetProperty("cdf");
        double[] x = cdf.GetProperty("x").Doubles(), p = cdf.GetProperty("p").Doubles(), q = cdf.GetProperty("q").Doubles();
        for (int i = 0; i < x.Length; i++)
        {
            // The rounding of x/√2 limits the far tail to about x²·2⁻⁵² relative (3e-13 at x = −38).
            double tolerance = 1e-14 * Math.Max(1.0, x[i] * x[i]);
            Assert.True(Math.Abs(NormalCdf.Of(x[i]) - p[i]) <= tolerance * p[i] + 1e-320, $"Φ({x[i]:R}) = {NormalCdf.Of(x[i]):R}, reference {p[i]:R}");
            Assert.True(Math.Abs(NormalCdf.UpperTail(x[i]) - q[i]) <= tolerance * q[i] + 1e-320, $"Q({x[i]:R}) = {NormalCdf.UpperTail(x[i]):R}, reference {q[i]:R}");
        }
        Assert.Equal(0.0, NormalCdf.Of(double.NegativeInfinity));
        Assert.Equal(1.0, NormalCdf.Of(double.PositiveInfinity));
        Assert.True(double.IsNaN(NormalCdf.Of(double.NaN)));
    }

    [Fact]
    public void MidpointQuantilesAgreeWithScipyAndAreAntisymmetric()
    {
        foreach (var item in Fixture.GetProperty("midpoints").EnumerateArray())
        {
            int n = item.GetProperty("n").GetInt32();
            double[] expected = item.GetProperty("x").Doubles();
            using var q = NormalQuantile.OfMidpoints(n);
            Assert.Equal(ScalarType.Float64, q.dtype);
            Assert.Equal(new long[] { n }, q.shape);
            double[] got = q.data<double>().ToArray();
            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-9, $"n = {n}, i = {i}: {got[i]:R} vs {expected[i]:R}");
                Assert.Equal(-got[n - 1 - i], got[i]);
            }
        }
    }

    [Fact]
    public void MidpointQuantilesHonourTypeAndRejectNegativeCounts()
    {
        using var q = NormalQuantile.OfMidpoints(4, ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, q.dtype);
        Assert.Equal((float)NormalQuantile.Of(0.125), q[0].item<float>());
        using var empty = NormalQuantile.OfMidpoints(0);
        Assert.Equal(0, empty.numel());
        Assert.Throws<NeuroLensException>(() => NormalQuantile.OfMidpoints(-1));
    }

    [Fact]
    public void SpanOverloadAppliesElementwise()
    {
        double[] p = [0.0, 0.025, 0.5, 0.975, 1.0];
        var x = new double[p.Length];
        NormalQuantile.Of(p, x);
        Assert.Equal(p.Select(NormalQuantile.Of), x);
        Assert.Throws<NeuroLensException>(() => NormalQuantile.Of(p, new double[2]));
    }
}
