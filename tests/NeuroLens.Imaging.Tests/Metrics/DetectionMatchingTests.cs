using NeuroLens.Core;
using NeuroLens.Imaging.Metrics;

namespace NeuroLens.Imaging.Tests.Metrics;

public class DetectionMatchingTests
{
    private static ObjectCentroid P(double x, double y = 0, double z = 0) => new(0, z, y, x, 1);

    [Fact]
    public void MaximisesMatchesWhereGreedyNearestFirstLosesOne()
    {
        // 1D, radius 0.8: truth X at 0, Y at 0.6; predictions A at 0.1, B at -0.3.
        // A–X 0.1, A–Y 0.5, B–X 0.3, B–Y 0.9 (beyond the radius). Greedy takes A–X and strands B;
        // the optimum is A–Y + B–X: 2 matches, total 0.8.
        var score = DetectionMatching.Match([P(0.1), P(-0.3)], [P(0), P(0.6)], 0.8);
        Assert.Equal([new DetectionMatch(0, 1, 0.5), new DetectionMatch(1, 0, 0.3)], score.Matches.Select(m => m with { Distance = Math.Round(m.Distance, 12) }));
        Assert.Equal((2, 0, 0), (score.TruePositives, score.FalsePositives, score.FalseNegatives));
        Assert.Equal(1, score.F1);
    }

    [Fact]
    public void ScoresFollowTheCounts()
    {
        // Predictions at x = 0, 5, 20; truth at x = 1, 6.5, 40, 41; radius 2: matches (0,0) d=1 and (1,1) d=1.5.
        // TP 2, FP 1, FN 2: precision 2/3, recall 1/2, F1 = 4/(4 + 1 + 2) = 4/7.
        var score = DetectionMatching.Match([P(0), P(5), P(20)], [P(1), P(6.5), P(40), P(41)], 2);
        Assert.Equal((2, 1, 2), (score.TruePositives, score.FalsePositives, score.FalseNegatives));
        Assert.Equal(2.0 / 3, score.Precision, 15);
        Assert.Equal(0.5, score.Recall, 15);
        Assert.Equal(4.0 / 7, score.F1, 15);
        var empty = DetectionMatching.Match([], [], 1);
        Assert.Equal((1.0, 1.0, 1.0), (empty.Precision, empty.Recall, empty.F1));
        Assert.Throws<NeuroLensException>(() => DetectionMatching.Match([P(0)], [P(0)], 0));
    }

    [Fact]
    public void MatchesBruteForceEnumerationOnTinyCases()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 400; trial++)
        {
            var predicted = Enumerable.Range(0, rng.Next(0, 5)).Select(_ => P(rng.NextDouble() * 4, rng.NextDouble() * 4, trial % 2 * rng.NextDouble() * 2)).ToList();
            var truth = Enumerable.Range(0, rng.Next(0, 5)).Select(_ => P(rng.NextDouble() * 4, rng.NextDouble() * 4, trial % 2 * rng.NextDouble() * 2)).ToList();
            double radius = 0.5 + rng.NextDouble() * 2;
            var (bestCount, bestTotal) = BruteForce(predicted, truth, radius);
            var score = DetectionMatching.Match(predicted, truth, radius);
            Assert.Equal(bestCount, score.TruePositives);
            Assert.Equal(bestTotal, score.Matches.Sum(m => m.Distance), 1e-9);
            Assert.All(score.Matches, m => Assert.True(m.Distance <= radius));
            Assert.Equal(score.Matches.Count, score.Matches.Select(m => m.Truth).Distinct().Count());
        }
    }

    /// <summary>Every one-to-one partial matching of allowed pairs; the best has most pairs, then least total distance.</summary>
    private static (int Count, double Total) BruteForce(List<ObjectCentroid> predicted, List<ObjectCentroid> truth, double radius)
    {
        (int, double) best = (0, 0);
        var usedTruth = new bool[truth.Count];
        void Recurse(int i, int count, double total)
        {
            if (i == predicted.Count)
            {
                if (count > best.Item1 || (count == best.Item1 && total < best.Item2))
                    best = (count, total);
                return;
            }
            Recurse(i + 1, count, total); // prediction i unmatched
            for (int j = 0; j < truth.Count; j++)
            {
                double d = predicted[i].DistanceTo(truth[j]);
                if (usedTruth[j] || d > radius)
                    continue;
                usedTruth[j] = true;
                Recurse(i + 1, count + 1, total + d);
                usedTruth[j] = false;
            }
        }
        Recurse(0, 0, 0);
        return best;
    }

    [Fact]
    public void LinearAssignmentMatchesEnumerationOfPermutations()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = rng.Next(1, 6), m = n + rng.Next(0, 3);
            var cost = new double[n, m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                    cost[i, j] = trial % 3 == 0 ? rng.Next(4) : rng.NextDouble() * 10; // integer costs: many ties
            int[] assigned = LinearAssignment.Minimize(cost);
            Assert.Equal(n, assigned.Distinct().Count());
            double total = Enumerable.Range(0, n).Sum(i => cost[i, assigned[i]]);
            Assert.Equal(MinimumByEnumeration(cost, 0, new bool[m]), total, 1e-9);
        }
        Assert.Throws<NeuroLensException>(() => LinearAssignment.Minimize(new double[3, 2]));
    }

    private static double MinimumByEnumeration(double[,] cost, int row, bool[] used)
    {
        if (row == cost.GetLength(0))
            return 0;
        double best = double.PositiveInfinity;
        for (int j = 0; j < cost.GetLength(1); j++)
        {
            if (used[j])
                continue;
            used[j] = true;
            best = Math.Min(best, cost[row, j] + MinimumByEnumeration(cost, row + 1, used));
            used[j] = false;
        }
        return best;
    }

    [Fact]
    public void CentroidsAreCentresOfMassPerLabel()
    {
        // 2D 3×4:  0 1 1 0
        //          2 1 1 0
        //          2 0 0 3
        // label 1: (y, x) = (0,1) (0,2) (1,1) (1,2) → (0.5, 1.5); label 2: (1,0) (2,0) → (1.5, 0); label 3: (2, 3).
        var labels = new Volume<uint>([0, 1, 1, 0, 2, 1, 1, 0, 2, 0, 0, 3], 1, 3, 4) { VoxelSize = [1, 4, 2] };
        var centroids = Centroids.Of(labels);
        Assert.Equal([new ObjectCentroid(1, 0, 0.5, 1.5, 4), new ObjectCentroid(2, 0, 1.5, 0, 2), new ObjectCentroid(3, 0, 2, 3, 1)], centroids);
        var physical = Centroids.Of(labels, physicalUnits: true);
        Assert.Equal(new ObjectCentroid(1, 0, 2, 3, 4), physical[0]);
    }
}
