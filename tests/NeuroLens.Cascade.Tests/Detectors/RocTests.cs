using NeuroLens.Cascade.Detectors;

namespace NeuroLens.Cascade.Tests.Detectors;

public class RocTests
{
    private static readonly float[] Scores = [0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f];
    private static readonly bool[] Truth = [true, true, false, true, false, false];

    [Fact]
    public void CurveRunsFromNothingToEverything()
    {
        var curve = Roc.Curve(Scores, Truth);
        Assert.Equal(7, curve.Count);
        Assert.Equal(new RocPoint(double.PositiveInfinity, 0, 0), curve[0]);
        Assert.Equal(0.7, curve[3].Threshold, 6);
        Assert.Equal(2.0 / 3, curve[3].Tpr, 12);
        Assert.Equal(1.0 / 3, curve[3].Fpr, 12);
        Assert.Equal(1, curve[^1].Tpr);
        Assert.Equal(1, curve[^1].Fpr);
    }

    [Fact]
    public void AucEqualsTheFractionOfCorrectlyOrderedPairs()
    {
        // Pairs (positive, negative) ordered correctly: 3 + 3 + 2 of 9.
        Assert.Equal(8.0 / 9, Roc.Auc(Scores, Truth), 12);
        float[] tied = [1, 1, 1, 1];
        Assert.Equal(0.5, Roc.Auc(tied, [true, false, true, false]), 12);
    }

    [Fact]
    public void ThresholdForTprIsTheStrictestMeetingTheTarget()
    {
        Assert.Equal(0.8, Roc.ThresholdForTpr(Scores, Truth, 0.6), 6);
        Assert.Equal(0.6, Roc.ThresholdForTpr(Scores, Truth, 0.95), 6);
        var point = Roc.At(Scores, Truth, 0.6);
        Assert.Equal(3, point.Tpr.Successes);
        Assert.Equal(1, point.Fpr.Successes);
        Assert.Equal(3, point.Fpr.Trials);
    }
}
