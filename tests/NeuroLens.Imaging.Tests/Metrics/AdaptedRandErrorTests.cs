using NeuroLens.Imaging.Metrics;

namespace NeuroLens.Imaging.Tests.Metrics;

public class AdaptedRandErrorTests
{
    [Fact]
    public void MatchesHandComputedValues()
    {
        // truth 1 1 1 2 2 2, segmentation 1 1 2 2 2 3: cells 2, 1, 2, 1; segments 2, 3, 1; truth 3, 3.
        // Ordered pairs x(x - 1): both = 2 + 0 + 2 + 0 = 4, segmentation = 2 + 6 + 0 = 8, truth = 6 + 6 = 12.
        // precision = 4/8, recall = 4/12, F = 2*4/(8 + 12) = 0.4, error = 0.6.
        var are = AdaptedRandError.Of(LabelImages.Row(1, 1, 2, 2, 2, 3), LabelImages.Row(1, 1, 1, 2, 2, 2), IgnoreZero.None);
        Assert.Equal(0.5, are.Precision, 15);
        Assert.Equal(1.0 / 3, are.Recall, 15);
        Assert.Equal(0.6, are.Error, 15);
    }

    [Fact]
    public void DefaultIgnoresTruthZeroOnly()
    {
        // truth 0 0 1 1 1, segmentation 1 1 0 1 1. InTruth (default) keeps (0,1):1 (1,1):2:
        // both = 2, segmentation = 0 + 2 = 2, truth = 6: precision 1, recall 1/3, F = 4/8, error 0.5.
        var seg = LabelImages.Row(1, 1, 0, 1, 1);
        var truth = LabelImages.Row(0, 0, 1, 1, 1);
        var are = AdaptedRandError.Of(seg, truth);
        Assert.Equal(new AdaptedRandError(0.5, 1, 1.0 / 3), are);
        // InBoth keeps (1,1):2 only: perfect.
        Assert.Equal(new AdaptedRandError(0, 1, 1), AdaptedRandError.Of(seg, truth, IgnoreZero.InBoth));
        // None: cells (1,0):2 (0,1):1 (1,1):2; both = 2 + 0 + 2 = 4, segmentation 4*3 + 0 = 12, truth 2 + 6 = 8;
        // F = 8/20, error 0.6.
        Assert.Equal(0.6, AdaptedRandError.Of(seg, truth, IgnoreZero.None).Error, 15);
    }

    [Fact]
    public void SingletonsAndEmptyInputsFollowTheStatedConventions()
    {
        // Every voxel its own segment: no pair joined by the segmentation (precision 1), recall 0, error 1.
        var singletons = AdaptedRandError.Of(LabelImages.Row(1, 2, 3), LabelImages.Row(1, 1, 1));
        Assert.Equal(new AdaptedRandError(1, 1, 0), singletons);
        // Everything ignored: no pair at all.
        Assert.Equal(new AdaptedRandError(0, 1, 1), AdaptedRandError.Of(LabelImages.Row(1, 2), LabelImages.Row(0, 0)));
    }
}
