using NeuroLens.Cascade.Detectors;

namespace NeuroLens.Cascade.Tests.Detectors;

public class ProportionTests
{
    [Fact]
    public void WilsonIntervalMatchesHandComputedValues()
    {
        // 8/10 at 95 %: centre (0.8 + 1.9208/10)/1.38415 = 0.716738, half-width 1.96·√(0.016 + 0.00096)/1.38415 = 0.226582.
        var p = Proportion.Wilson(8, 10);
        Assert.Equal(0.8, p.Estimate, 12);
        Assert.Equal(0.490156, p.Lower, 5);
        Assert.Equal(0.943319, p.Upper, 5);
        // 0/20: lower 0, upper z²/(n + z²) = 3.841459/23.841459.
        var zero = Proportion.Wilson(0, 20);
        Assert.Equal(0, zero.Lower, 12);
        Assert.Equal(3.841459 / 23.841459, zero.Upper, 6);
        // n/n mirrors 0/n.
        var all = Proportion.Wilson(20, 20);
        Assert.Equal(1 - zero.Upper, all.Lower, 12);
        Assert.Equal(1, all.Upper, 12);
    }

    [Fact]
    public void WilsonRejectsImpossibleCounts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Proportion.Wilson(5, 4));
        Assert.True(double.IsNaN(Proportion.Wilson(0, 0).Estimate));
    }
}
