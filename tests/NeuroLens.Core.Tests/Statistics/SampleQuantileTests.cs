using NeuroLens.Core.Statistics;

namespace NeuroLens.Core.Tests.Statistics;

public class SampleQuantileTests
{
    [Fact]
    public void LinearAgreesWithNumpyPercentile()
    {
        var fixture = StatisticsFixture.Load("percentile.json");
        double[] values = fixture.GetProperty("values").Doubles();
        double[] q = fixture.GetProperty("q").Doubles();
        double[] expected = fixture.GetProperty("linear").Doubles();
        double[] got = SampleQuantile.Linear(values, q);
        for (int i = 0; i < q.Length; i++)
        {
            Assert.Equal(expected[i], got[i], 1e-15);
            Assert.Equal(got[i], SampleQuantile.Linear(values, q[i]));
        }
    }

    [Fact]
    public void HandComputedInterpolation()
    {
        double[] values = [4, 1, 3, 2]; // sorted 1 2 3 4, h = 3p
        Assert.Equal(1.0, SampleQuantile.Linear(values, 0.0));
        Assert.Equal(4.0, SampleQuantile.Linear(values, 1.0));
        Assert.Equal(2.5, SampleQuantile.Linear(values, 0.5));
        Assert.Equal(1.3, SampleQuantile.Linear(values, 0.1), 1e-15);
        Assert.Equal(7.0, SampleQuantile.Linear([7.0], 0.3));
        Assert.Equal(new double[] { 4, 1, 3, 2 }, values); // input untouched
    }

    [Fact]
    public void InvalidInputs()
    {
        Assert.Throws<NeuroLensException>(() => SampleQuantile.Linear([], 0.5));
        Assert.Throws<NeuroLensException>(() => SampleQuantile.Linear([1, 2], 1.5));
        Assert.Throws<NeuroLensException>(() => SampleQuantile.Linear([1, 2], double.NaN));
        Assert.True(double.IsNaN(SampleQuantile.Linear([1, double.NaN, 3], 0.5)));
    }
}
