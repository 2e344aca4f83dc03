using NeuroLens.Cascade.Detectors;
using NeuroLens.Cascade.Execution;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Cascade.Tests.Execution;

public class ExecutorAccountingTests
{
    // An 8 × 8 image, 2 × 2 chunks, two levels: 16 level-0 chunks under 4 parents.
    // A single bright voxel at (0, 0) gives its parent a block mean of 0.25; a bright 2 × 2 square at
    // (4..5, 4..5) gives parent (1, 1) a block mean of 1.
    private static (IReadOnlyList<Volume<float>> Pyramid, ChunkGrid Grid) Case()
    {
        var image = new Volume<float>(1, 8, 8, 1, 2);
        image[0, 0, 0] = 1;
        foreach (var (y, x) in new[] { (4, 4), (4, 5), (5, 4), (5, 5) }) image[0, y, x] = 1;
        return (Pyramid.Build(image, 2), ChunkGrid.For(image, [2, 2], levels: 2));
    }

    private static IChunkDetector Max() => new IntensityDetector(new() { Statistic = IntensityStatistic.Max, Sigma = 0 });

    [Fact]
    public void CascadeCallsOnlyChildrenOfPositiveParentsAndAppliesTheAndRule()
    {
        var (pyramid, grid) = Case();
        var run = CascadeExecutor.Run(pyramid, grid, [new CascadeStage(Max(), 0.5), new CascadeStage(Max(), 0.5)], new() { BatchSize = 3 });
        Assert.Equal(4, run.Levels[1].Calls);
        Assert.Equal(1, run.Levels[1].Positives);
        Assert.Equal(2, run.Levels[1].Batches);
        Assert.Equal(4, run.Levels[0].Calls);
        Assert.Equal(2, run.Levels[0].Batches);
        Assert.Equal(8, run.TotalCalls);
        // (0, 0) would pass at level 0 but its parent was rejected.
        Assert.Equal([new ChunkIndex(0, 0, 2, 2)], run.Positives);

        var single = CascadeExecutor.RunSingleLevel(pyramid[0], grid, new CascadeStage(Max(), 0.5), new() { BatchSize = 3 });
        Assert.Equal(16, single.TotalCalls);
        Assert.Equal(6, single.Levels[0].Batches);
        Assert.Equal([new ChunkIndex(0, 0, 0, 0), new ChunkIndex(0, 0, 2, 2)], single.Positives);
    }

    [Fact]
    public void LenientCoarseThresholdDescendsIntoBothParentsAndMetricsCountChunks()
    {
        var (pyramid, grid) = Case();
        var run = CascadeExecutor.Run(pyramid, grid, [new CascadeStage(Max(), 0.5), new CascadeStage(Max(), 0.1)]);
        Assert.Equal(2, run.Levels[1].Positives);
        Assert.Equal(8, run.Levels[0].Calls);
        Assert.Equal(2, run.Positives.Count);

        var mask = new Volume<byte>(1, 8, 8, 1, 2);
        mask[0, 0, 0] = 1;
        mask[0, 7, 7] = 1; // a missed object in chunk (3, 3)
        var truth = ChunkTruth.FromMask(mask, grid);
        var metrics = CascadeEvaluation.Chunks(run, truth);
        Assert.Equal(new ChunkMetrics(1, 1, 1, 13), metrics);
        Assert.Equal(0.5, metrics.Tpr, 12);
        Assert.Equal(1.0 / 14, metrics.Fpr, 12);
        Assert.Equal(0.5, metrics.F1, 12);
        Assert.Equal(2, truth.Positives(1));
    }

    [Fact]
    public void MinVoxelsDecidesChunkTruth()
    {
        var (_, grid) = Case();
        var mask = new Volume<byte>(1, 8, 8, 1, 2);
        mask[0, 0, 0] = 1;
        mask[0, 4, 4] = 1;
        mask[0, 4, 5] = 1;
        var truth = ChunkTruth.FromMask(mask, grid, minVoxels: 2);
        Assert.Equal(1, truth.Positives(0));
        Assert.True(truth[new ChunkIndex(0, 0, 2, 2)]);
        Assert.True(truth[new ChunkIndex(1, 0, 1, 1)]);
        Assert.False(truth[new ChunkIndex(1, 0, 0, 0)]);
    }
}

public class ExecutorEdgeChunkTests
{
    private sealed class Everything : IChunkDetector
    {
        public string Name => "everything";
        public float[] Score(Volume<float> level, IReadOnlyList<Box> chunks) => chunks.Select(b => (float)b.Count).ToArray();
        public void Train(IReadOnlyList<ChunkExample> examples, int seed) => throw new NotSupportedException("nothing to learn.");
    }

    [Fact]
    public void PartialChunksAreScoredAndCountedOnce()
    {
        // 10 × 10 image, 4 × 4 chunks: 3 × 3 level-0 chunks (the last row and column 2 voxels wide) under
        // 2 × 2 parents on a 5 × 5 level 1 (the last row and column of parents 1 voxel wide), which hold
        // 4, 2, 2 and 1 children.
        var image = new Volume<float>(1, 10, 10, 1, 2);
        var pyramid = Pyramid.Build(image, 2);
        var grid = ChunkGrid.For(image, [4, 4], levels: 2);
        var run = CascadeExecutor.Run(pyramid, grid, [new CascadeStage(new Everything(), 0), new CascadeStage(new Everything(), 0)]);
        Assert.Equal(4, run.Levels[1].Calls);
        Assert.Equal(9, run.Levels[0].Calls);
        Assert.Equal(9, run.Positives.Count);
        Assert.Equal(9, run.Positives.Distinct().Count());
        // Scores are the chunk voxel counts: a threshold of 16 keeps only the 4 whole chunks.
        var whole = CascadeExecutor.Run(pyramid, grid, [new CascadeStage(new Everything(), 16), new CascadeStage(new Everything(), 0)]);
        Assert.Equal(4, whole.Positives.Count);
    }
}
