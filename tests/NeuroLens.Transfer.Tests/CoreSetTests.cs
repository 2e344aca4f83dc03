namespace NeuroLens.Transfer.Tests;

public sealed class CoreSetTests
{
    private static double BruteForceRadius(double[][] points, int k)
    {
        double best = double.PositiveInfinity;
        foreach (var subset in Subsets(points.Length, k)) best = Math.Min(best, CoreSet.CoveringRadius(points, subset));
        return best;
    }

    private static IEnumerable<int[]> Subsets(int count, int k, int start = 0)
    {
        if (k == 0) { yield return []; yield break; }
        for (int i = start; i <= count - k; i++)
            foreach (var rest in Subsets(count, k - 1, i + 1)) yield return [i, .. rest];
    }

    [Fact]
    public void GreedyRadiusIsWithinTwiceTheOptimumOnRandomInputs()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 30; trial++)
        {
            var points = Enumerable.Range(0, 9).Select(_ => new[] { random.NextDouble(), random.NextDouble() }).ToArray();
            for (int k = 1; k <= 4; k++)
            {
                double greedy = CoreSet.CoveringRadius(points, CoreSet.Greedy(points, k));
                double optimum = BruteForceRadius(points, k);
                Assert.True(greedy <= 2 * optimum + 1e-12, $"trial {trial}, k {k}: greedy {greedy} > 2 × optimum {optimum}");
                Assert.True(greedy >= optimum - 1e-12);
            }
        }
    }

    [Fact]
    public void GreedyFindsOneCentrePerWellSeparatedCluster()
    {
        double[][] points = [[0, 0], [0.1, 0], [0, 0.1], [10, 10], [10.1, 10], [-10, 10], [-10, 10.1]];
        var centres = CoreSet.Greedy(points, 3);
        Assert.Equal(3, centres.Select(i => points[i][0] switch { < -5 => 0, > 5 => 1, _ => 2 }).Distinct().Count());
        // Within a cluster the greedy centre need not be the optimal one, but the radius stays within twice the optimum.
        Assert.InRange(CoreSet.CoveringRadius(points, centres), BruteForceRadius(points, 3), 2 * BruteForceRadius(points, 3));
    }
}
