using NeuroLens.Cascade.Execution;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Cascade.Tests.Execution;

/// <summary>
/// Acceptance (issue 7): on images whose chunk labels satisfy the model (i.i.d. Bernoulli(p) level-0
/// labels, objects inside one chunk) and detectors with known (β, α), the measured calls per level match
/// the closed form of cascade.md §2 within sampling error: level 1 makes exactly n/c calls, level 0 makes
/// c·(number of parents called positive), whose expectation is n·π1, π1 = β1 q1 + α1 (1 − q1),
/// q1 = 1 − (1 − p)^c, and whose standard error is c·√((n/c)·π1(1 − π1)) (parents are called
/// independently). The tolerance is 4 standard errors.
/// </summary>
public class PredictedCallsTests
{
    [Theory]
    [InlineData(2, 0.05, 0.9, 0.1, 0.95, 0.05, 1)]
    [InlineData(2, 0.01, 0.8, 0.2, 0.9, 0.02, 2)]
    [InlineData(3, 0.02, 0.95, 0.05, 0.9, 0.1, 3)]
    public void MeasuredCallsMatchTheClosedForm(int dims, double p, double beta1, double alpha1, double beta0, double alpha0, int seed)
    {
        int[] chunk = dims == 2 ? [4, 4] : [2, 2, 2];
        var image = dims == 2 ? new Volume<float>(1, 512, 512, 1, 2) : new Volume<float>(64, 64, 64, 1, 3);
        var grid = ChunkGrid.For(image, chunk, levels: 2);
        var pyramid = Pyramid.Build(image, 2);
        var rng = new Random(seed);
        var truth = ChunkTruth.FromLevel0(grid, _ => rng.NextDouble() < p);

        var stages = new[]
        {
            new CascadeStage(new KnownRateDetector(truth, 0, chunk, beta0, alpha0, seed * 7 + 1), 0.5),
            new CascadeStage(new KnownRateDetector(truth, 1, chunk, beta1, alpha1, seed * 7 + 2), 0.5),
        };
        var run = CascadeExecutor.Run(pyramid, grid, stages, new() { BatchSize = 100 });

        double n = grid.ChunkCount(0), c = grid.ChildrenPerParent;
        double q1 = 1 - Math.Pow(1 - p, c), pi1 = beta1 * q1 + alpha1 * (1 - q1);
        double expected0 = n * pi1, se0 = c * Math.Sqrt(n / c * pi1 * (1 - pi1));
        Assert.Equal(n / c, run.Levels[1].Calls);
        Assert.InRange(run.Levels[0].Calls, expected0 - 4 * se0, expected0 + 4 * se0);

        // The accuracy of the AND rule follows too: TPR = β1 β0 over the positive chunks.
        var metrics = CascadeEvaluation.Chunks(run, truth);
        long positives = truth.Positives(0);
        double tpr = beta1 * beta0, seTpr = Math.Sqrt(tpr * (1 - tpr) / positives);
        Assert.InRange(metrics.Tpr, tpr - 4 * seTpr, tpr + 4 * seTpr);

        // Bernoulli labels pass the independence check.
        var independence = CascadeEvaluation.Independence(truth);
        Assert.InRange(independence.ZScore, -4, 4);
    }

    [Fact]
    public void ClusteredLabelsFailTheIndependenceCheck()
    {
        var image = new Volume<float>(1, 256, 256, 1, 2);
        var grid = ChunkGrid.For(image, [4, 4], levels: 2);
        // Positives come in whole 2 × 2 blocks (one parent each): p = 0.05 but few positive parents.
        var rng = new Random(5);
        var parents = Enumerable.Range(0, (int)grid.ChunkCount(1)).Select(_ => rng.NextDouble() < 0.05).ToArray();
        var (_, _, nx1) = grid.ChunkCounts(1);
        var truth = ChunkTruth.FromLevel0(grid, c => parents[(c.Y / 2) * nx1 + c.X / 2]);
        var check = CascadeEvaluation.Independence(truth);
        Assert.True(check.Ratio < 0.5, $"ratio {check.Ratio}");
        Assert.True(check.ZScore < -10, $"z {check.ZScore}");
    }
}
