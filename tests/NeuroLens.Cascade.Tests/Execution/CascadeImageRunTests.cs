using NeuroLens.Cascade.Execution;
using NeuroLens.Imaging.Pyramids;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Cascade.Tests.Execution;

public class CascadeImageRunTests
{
    [Fact]
    public void TwoLevelIntensityCascadeOnSparseNucleiSavesCallsAndKeepsRecall()
    {
        var sample = NucleiGenerator.Generate(new NucleiOptions
        {
            Width = 384, Height = 384, RadiusMin = 3, RadiusMax = 4,
            Placement = new PlacementOptions { TargetPrevalence = 0.08, ChunkSize = 16 },
        }, seed: 11);
        var pyramid = Pyramid.Build(sample.Image, 2);
        var result = CascadeImageRun.Run(pyramid, 2, sample.Mask, sample.Labels,
            new CascadeImageOptions { Levels = 2, ChunkSize = 16, Detector = "intensity", TargetTpr = 0.95 }, seed: 0);

        Assert.Equal(576, result.Chunks);
        Assert.Equal(4, result.ChildrenPerParent);
        Assert.Equal(576, result.SingleLevel.TotalCalls);
        Assert.Equal(144, result.Cascade.Levels[1].Calls);
        Assert.Equal(4 * result.Cascade.Levels[1].Positives, result.Cascade.Levels[0].Calls);
        Assert.True(result.CallRatio < 0.8, $"call ratio {result.CallRatio}");
        Assert.All(result.Calibrations, c => Assert.True(c.Auc > 0.8, $"level {c.Level} AUC {c.Auc}"));
        Assert.True(result.Cascade.Chunks.Tpr > 0.8, $"cascade TPR {result.Cascade.Chunks.Tpr}");
        // The AND rule can only remove level-0 positives.
        Assert.True(result.Cascade.Chunks.TruePositives + result.Cascade.Chunks.FalsePositives
            <= result.SingleLevel.Chunks.TruePositives + result.SingleLevel.Chunks.FalsePositives);
        Assert.Null(result.Cascade.Dice); // the intensity detector has no pixel output
        Assert.NotNull(result.Independence);
    }

    [Fact]
    public void OneLevelCascadeIsTheSingleLevelDetector()
    {
        var sample = NucleiGenerator.Generate(new NucleiOptions
        {
            Width = 128, Height = 128, RadiusMin = 3, RadiusMax = 4,
            Placement = new PlacementOptions { TargetPrevalence = 0.3, ChunkSize = 16 },
        }, seed: 12);
        var result = CascadeImageRun.Run(Pyramid.Build(sample.Image, 1), 2, sample.Mask, null,
            new CascadeImageOptions { Levels = 1, ChunkSize = 16, Detector = "intensity" }, seed: 0);
        Assert.Null(result.Independence);
        Assert.Equal(result.SingleLevel.TotalCalls, result.Cascade.TotalCalls);
        Assert.Equal(result.SingleLevel.Chunks, result.Cascade.Chunks);
        Assert.Single(result.Calibrations);
    }
}
