using NeuroLens.Emergence.Analysis;

namespace NeuroLens.Emergence.Tests.Analysis;

public sealed class EmergenceAnalysisTests
{
    [Fact]
    public void EmergenceStepNeedsPersistence()
    {
        // Crosses θ = 0.5 at index 2, drops at 4, stays from 5 on: s* = 5.
        double[] scores = [0.1, 0.3, 0.6, 0.7, 0.4, 0.55, 0.8, 0.9];
        Assert.Equal(5, EmergenceAnalysis.EmergenceIndex(scores));
        Assert.Equal(2, EmergenceAnalysis.EmergenceIndex(scores, theta: 0.35));
        Assert.Equal(6, EmergenceAnalysis.EmergenceIndex(scores, theta: 0.6));
        Assert.Null(EmergenceAnalysis.EmergenceIndex([0.9, 0.8, 0.2]));
        Assert.Equal(0, EmergenceAnalysis.EmergenceIndex([0.9, 0.8, 0.7]));
        Assert.Equal(0, EmergenceAnalysis.EmergenceIndex([0.5], 0.5)); // ≥ θ counts
        Assert.Null(EmergenceAnalysis.EmergenceIndex([0.3, double.NaN]));
    }

    [Fact]
    public void SizeThresholdIsTheSmallestModelAtOrAboveTheta()
    {
        Assert.Equal(1, EmergenceAnalysis.SizeThresholdIndex([0.2, 0.6, 0.4, 0.9]));
        Assert.Null(EmergenceAnalysis.SizeThresholdIndex([0.2, 0.3]));
    }

    [Fact]
    public void ReactivationNeedsADipBelowThetaMinusDelta()
    {
        //            0    1    2     3    4    5    6     7
        double[] s = [0.7, 0.6, 0.45, 0.2, 0.3, 0.8, 0.45, 0.6];
        var found = EmergenceAnalysis.Reactivations(s, 0.5, 0.1, (a, b) => a * 10 + b);
        // Layers 1 → 3 (0.2 < 0.4) → 5; the dip at 6 (0.45) is not below θ − δ = 0.4.
        var r = Assert.Single(found);
        Assert.Equal((1, 3, 5), (r.Layer1, r.Layer2, r.Layer3));
        Assert.Equal((0.6, 0.2, 0.8), (r.Score1, r.Score2, r.Score3));
        Assert.Equal(15, r.DecoderCosine);
        // With δ = 0 both dips count.
        Assert.Equal(2, EmergenceAnalysis.Reactivations(s, 0.5, 0.0).Count);
        // A concept that is never back above θ has no reactivation.
        Assert.Empty(EmergenceAnalysis.Reactivations([0.9, 0.1, 0.2], 0.5, 0.1));
        Assert.True(double.IsNaN(EmergenceAnalysis.Reactivations(s)[0].DecoderCosine));
    }

    [Fact]
    public void SensitivityTabulatesTheEmergenceStepOverTauAndTheta()
    {
        IReadOnlyList<double>[] byTau = [[0.1, 0.5, 0.7], [0.0, 0.3, 0.45]];
        var table = EmergenceAnalysis.Sensitivity(byTau, [0.4, 0.6]);
        Assert.Equal(1, table[0, 0]);
        Assert.Equal(2, table[0, 1]);
        Assert.Equal(2, table[1, 0]);
        Assert.Null(table[1, 1]);
    }
}
