using static TorchSharp.torch;

namespace NeuroLens.Transfer.Tests;

public sealed class ActiveSelectionTests
{
    // Scores chosen so that the rules disagree: median of the 9 values is 0.5.
    private static readonly double[] Scores = [0.9, 0.1, 0.5, 0.45, 0.95, 0.2, 0.56, 0.28, 0.7];

    private static Tensor Features(int pool, int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, pool * 3).Select(_ => (float)random.NextDouble()).ToArray();
        return tensor(data, [pool, 3]);
    }

    [Theory]
    [InlineData(SelectionStrategy.Random)]
    [InlineData(SelectionStrategy.TopUncertainty)]
    [InlineData(SelectionStrategy.MedianUncertainty)]
    [InlineData(SelectionStrategy.CoreSet)]
    [InlineData(SelectionStrategy.Discriminative)]
    public void EveryStrategySelectsNDistinctPatchesOfThePool(SelectionStrategy strategy)
    {
        using var features = Features(Scores.Length, 3);
        foreach (int rounds in new[] { 1, 3 })
            for (int n = 1; n <= Scores.Length; n++)
            {
                var picked = ActiveSelection.Select(strategy, Scores, features, n, new SelectionOptions { Rounds = rounds, Seed = 5 });
                Assert.Equal(n, picked.Length);
                Assert.Equal(n, picked.Distinct().Count());
                Assert.All(picked, i => Assert.InRange(i, 0, Scores.Length - 1));
            }
    }

    [Fact]
    public void TopUncertaintyTakesTheHighestScores() =>
        Assert.Equal([4, 0, 8], ActiveSelection.Select(SelectionStrategy.TopUncertainty, Scores, null, 3));

    [Fact]
    public void MedianUncertaintyTakesTheScoresNearestTheMedian()
    {
        // median 0.5: distances 0 (index 2), 0.05 (index 3), 0.06 (index 6), 0.2 (index 8), 0.22 (index 7)
        Assert.Equal([2, 3, 6, 8], ActiveSelection.Select(SelectionStrategy.MedianUncertainty, Scores, null, 4));
        // even pool: the median is the mean of the two middle scores, (0.2 + 0.32) / 2 = 0.26, equally near
        // both (lower index first); then 0.1 (0.16 away) before 0.9 (0.64 away)
        Assert.Equal([1, 3, 2], ActiveSelection.Select(SelectionStrategy.MedianUncertainty, [0.9, 0.32, 0.1, 0.2], null, 3));
    }

    [Fact]
    public void RandomIsSeededAndVariesWithTheSeed()
    {
        var a = ActiveSelection.Select(SelectionStrategy.Random, Scores, null, 4, new SelectionOptions { Seed = 1 });
        Assert.Equal(a, ActiveSelection.Select(SelectionStrategy.Random, Scores, null, 4, new SelectionOptions { Seed = 1 }));
        var picks = Enumerable.Range(0, 20).Select(seed =>
            string.Join(',', ActiveSelection.Select(SelectionStrategy.Random, Scores, null, 4, new SelectionOptions { Seed = seed }))).ToHashSet();
        Assert.True(picks.Count > 10, $"only {picks.Count} distinct picks over 20 seeds");
    }

    [Fact]
    public void DiscriminativeQueriesTheUnlabelledLookingCluster()
    {
        // Six points in one tight cluster and two far away: after the central start, the classifier
        // separates what is labelled (the cluster) from the outliers, so they are queried next.
        var rows = new float[] { 0, 0, 0.1f, 0, 0, 0.1f, 0.1f, 0.1f, 0.05f, 0.05f, -0.05f, 0, 5, 5, 5.2f, 5 };
        using var features = tensor(rows, [8, 2]);
        var picked = ActiveSelection.Select(SelectionStrategy.Discriminative, new double[8], features, 3, new SelectionOptions { Rounds = 1 });
        Assert.InRange(picked[0], 0, 5);
        Assert.Equal([6, 7], picked[1..].Order().ToArray());
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<Core.NeuroLensException>(() => ActiveSelection.Select(SelectionStrategy.Random, Scores, null, 0));
        Assert.Throws<Core.NeuroLensException>(() => ActiveSelection.Select(SelectionStrategy.Random, Scores, null, 10));
        Assert.Throws<Core.NeuroLensException>(() => ActiveSelection.Select(SelectionStrategy.CoreSet, Scores, null, 2));
        Assert.Throws<Core.NeuroLensException>(() => SelectionStrategies.Parse("most-uncertain"));
        Assert.Equal(SelectionStrategy.CoreSet, SelectionStrategies.Parse("core-set"));
    }
}
