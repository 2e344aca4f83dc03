using NeuroLens.Cascade.Execution;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Cascade.Tests.Execution;

public class CascadeTrainingTests
{
    [Fact]
    public void SplitKeepsEachTopLevelChunkWithItsDescendants()
    {
        // 3 levels over a 40 × 56 image with 4-voxel chunks: 10 × 14 level-0 chunks, edge parents included.
        var grid = new ChunkGrid([40, 56], [4, 4], levels: 3);
        var split = CascadeTraining.Split(grid, seed: 9);
        Assert.Equal(3, split.Count);
        for (int k = 0; k < 3; k++)
        {
            var (train, held) = split[k];
            Assert.Equal(grid.ChunkCount(k), train.Count + held.Count);
            Assert.Empty(train.Intersect(held));
            var trainTops = train.Select(c => grid.Ancestor(c, 2)).ToHashSet();
            Assert.DoesNotContain(held, c => trainTops.Contains(grid.Ancestor(c, 2)));
        }
        int tops = (int)grid.ChunkCount(2);
        Assert.Equal((tops + 1) / 2, split[2].Train.Count);
        Assert.Equal(split[2].Train, CascadeTraining.Split(grid, seed: 9)[2].Train);
        Assert.NotEqual(split[2].Train, CascadeTraining.Split(grid, seed: 10)[2].Train);
    }

    [Fact]
    public void ChunkMetricsCanBeRestrictedToHeldOutChunks()
    {
        var grid = new ChunkGrid([4, 8], [2, 2], levels: 1); // 2 × 4 chunks
        var truth = ChunkTruth.FromLevel0(grid, c => c.X < 2);
        var run = new CascadeRun([new ChunkIndex(0, 0, 0, 0), new ChunkIndex(0, 0, 0, 3)], [new LevelAccounting(0, 8, 2, 1, 0)]);
        Assert.Equal(new ChunkMetrics(1, 1, 3, 3), CascadeEvaluation.Chunks(run, truth));
        var among = new HashSet<ChunkIndex> { new(0, 0, 0, 0), new(0, 0, 0, 1), new(0, 0, 0, 2) };
        Assert.Equal(new ChunkMetrics(1, 0, 1, 1), CascadeEvaluation.Chunks(run, truth, among));
    }
}
