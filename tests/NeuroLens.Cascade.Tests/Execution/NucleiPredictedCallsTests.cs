using Xunit.Abstractions;
using NeuroLens.Cascade.Execution;
using NeuroLens.Imaging.Pyramids;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Cascade.Tests.Execution;

/// <summary>
/// Acceptance on a generated image: nuclei placed independently (clustering 0), small against the chunk
/// (radius 2–3 voxels in 16-voxel chunks) and counted only when a chunk holds ≥ 10 of their voxels, so
/// that a nucleus on a chunk border rarely makes two chunks positive. With known-rate detectors reading
/// that truth, the measured level-0 calls match n·π₁ (p measured on the image) within 4 standard errors.
/// </summary>
public class NucleiPredictedCallsTests(ITestOutputHelper output)
{
    [Fact]
    public void CallsOnIndependentlyPlacedNucleiMatchTheClosedForm()
    {
        var sample = NucleiGenerator.Generate(new NucleiOptions
        {
            Width = 1024, Height = 1024, RadiusMin = 2, RadiusMax = 3,
            Placement = new PlacementOptions { TargetPrevalence = 0.05, ChunkSize = 16, Clustering = 0 },
        }, seed: 21);
        int[] chunk = [16, 16];
        var grid = ChunkGrid.For(sample.Image, chunk, levels: 2);
        var pyramid = Pyramid.Build(sample.Image, 2);
        var truth = ChunkTruth.FromMask(sample.Mask, grid, minVoxels: 10);
        double p = truth.Prevalence;
        Assert.InRange(p, 0.02, 0.1);
        var independence = CascadeEvaluation.Independence(truth);
        Assert.InRange(independence.ZScore, -4, 4);

        const double beta1 = 0.9, alpha1 = 0.1;
        var run = CascadeExecutor.Run(pyramid, grid,
        [
            new CascadeStage(new KnownRateDetector(truth, 0, chunk, 0.95, 0.05, 31), 0.5),
            new CascadeStage(new KnownRateDetector(truth, 1, chunk, beta1, alpha1, 32), 0.5),
        ]);
        double n = grid.ChunkCount(0), c = grid.ChildrenPerParent;
        double q1 = 1 - Math.Pow(1 - p, c), pi1 = beta1 * q1 + alpha1 * (1 - q1);
        double expected = n * pi1, se = c * Math.Sqrt(n / c * pi1 * (1 - pi1));
        output.WriteLine($"p {p:F4}, independence ratio {independence.Ratio:F3} (z {independence.ZScore:F2}), level-0 calls {run.Levels[0].Calls} vs {expected:F1} ± {se:F1}");
        Assert.Equal(n / c, run.Levels[1].Calls);
        Assert.InRange(run.Levels[0].Calls, expected - 4 * se, expected + 4 * se);
    }
}
