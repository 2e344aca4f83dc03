using NeuroLens.Cascade.Analysis;
using NeuroLens.Core;

namespace NeuroLens.Cascade.Tests.Analysis;

public class CascadePlannerTests
{
    // Hand-made curves (d = 2, r = 2, c = 4, p = 0.01, unit costs). With q1 = 1 − 0.99⁴ = 0.0394:
    //   level 1 at 0.2 (β 1, α 0.5):   time/n = 0.25 + 0.5197 = 0.770
    //   level 1 at 0.5 (β .98, α .2):  time/n = 0.25 + 0.2307 = 0.481
    //   level 1 at 0.8 (β .8, α .05):  time/n = 0.25 + 0.0796 = 0.330
    private static readonly OperatingPoint[] Level0 = [new(0.5, 0.99, 0.05), new(0.7, 0.9, 0.01)];
    private static readonly OperatingPoint[] Level1 = [new(0.2, 1.0, 0.5), new(0.5, 0.98, 0.2), new(0.8, 0.8, 0.05)];
    private static CascadePlanProblem HandMade(params double[] costs) =>
        new(2, 2, 0.01, [Level0, Level1], costs.Length == 0 ? [1, 1] : costs, Chunks: 1000);

    [Fact]
    public void FastestPlanMeetingATprTargetIsTheKnownOne()
    {
        // TPR ≥ 0.95 admits level 0 at 0.5 alone (time 1) or with level 1 at 0.2 (0.770) or 0.5 (0.481).
        var plan = CascadePlanner.Fastest(HandMade(), PlanAccuracy.Tpr, 0.95)!;
        Assert.Equal(2, plan.Levels);
        Assert.Equal([0.5, 0.5], plan.OperatingPoints.Select(o => o.Threshold));
        Assert.Equal(0.99 * 0.98, plan.Metrics.Tpr, 1e-12);
        Assert.Equal(0.25 + 0.98 * (1 - Math.Pow(0.99, 4)) + 0.2 * Math.Pow(0.99, 4), plan.TimeRatio, 1e-12);
    }

    [Fact]
    public void ExpensiveCoarseLevelMakesTheSingleLevelDetectorFastest()
    {
        // c1 = 4: the coarse level alone costs n at level 1 (n/4 calls × 4), so no cascade beats time n.
        var plan = CascadePlanner.Fastest(HandMade(1, 4), PlanAccuracy.Tpr, 0.95)!;
        Assert.Equal(1, plan.Levels);
        Assert.Equal(0.5, Assert.Single(plan.OperatingPoints).Threshold);
        Assert.Equal(1.0, plan.TimeRatio, 1e-15);
    }

    [Fact]
    public void UnreachableTargetGivesNoPlan()
    {
        Assert.Null(CascadePlanner.Fastest(HandMade(), PlanAccuracy.Tpr, 0.995));
        Assert.Null(CascadePlanner.MostAccurate(HandMade(), PlanAccuracy.F1, 100));
    }

    [Fact]
    public void MostAccurateWithinABudgetIsTheKnownOne()
    {
        // Budget 0.5 n: best TPR 0.99·0.98 at (0.5, 0.5). Budget 0.4 n: only level 1 at 0.8 fits; best is level 0 at 0.5.
        var generous = CascadePlanner.MostAccurate(HandMade(), PlanAccuracy.Tpr, 500)!;
        Assert.Equal([0.5, 0.5], generous.OperatingPoints.Select(o => o.Threshold));
        var tight = CascadePlanner.MostAccurate(HandMade(), PlanAccuracy.Tpr, 400)!;
        Assert.Equal([0.5, 0.8], tight.OperatingPoints.Select(o => o.Threshold));
        Assert.Equal(0.99 * 0.8, tight.Metrics.Tpr, 1e-12);
        Assert.True(tight.Metrics.ExpectedTime <= 400);
    }

    [Fact]
    public void F1TargetPicksTheStrictSingleLevelPointOrTheCheapestFilteringCascade()
    {
        // One level: at p = 0.01, α0 = 0.05 gives F1 ≈ 0.28 and α0 = 0.01 gives ≈ 0.62, so F1 ≥ 0.5 needs threshold 0.7.
        var single = CascadePlanner.Fastest(HandMade() with { MaxLevels = 1 }, PlanAccuracy.F1, 0.5)!;
        Assert.Equal(0.7, Assert.Single(single.OperatingPoints).Threshold);
        // Two levels: the coarse level filters false positives too (F1 0.74 even with α0 = 0.05), so the
        // cheapest coarse point (0.8, time 0.330 n) is feasible and fastest.
        var cascade = CascadePlanner.Fastest(HandMade(), PlanAccuracy.F1, 0.5)!;
        Assert.Equal(2, cascade.Levels);
        Assert.Equal(0.8, cascade.OperatingPoints[1].Threshold);
        Assert.Equal(0.25 + 0.8 * (1 - Math.Pow(0.99, 4)) + 0.05 * Math.Pow(0.99, 4), cascade.TimeRatio, 1e-12);
        Assert.True(cascade.Metrics.F1 >= 0.5);
    }

    [Theory]
    [InlineData(1, PlanAccuracy.Tpr)]
    [InlineData(2, PlanAccuracy.F1)]
    [InlineData(3, PlanAccuracy.Tpr)]
    [InlineData(4, PlanAccuracy.F1)]
    public void PrunedSearchEqualsBruteForce(int seed, PlanAccuracy accuracy)
    {
        var random = new Random(seed);
        var roc = Enumerable.Range(0, 3).Select(_ => (IReadOnlyList<OperatingPoint>)Enumerable.Range(0, 6).Select(i =>
        {
            double alpha = random.NextDouble() * 0.5;
            return new OperatingPoint(i, Math.Min(1, alpha + 0.5 + random.NextDouble() * 0.5), alpha);
        }).ToArray()).ToArray();
        var problem = new CascadePlanProblem(2, 2, 0.05, roc, [1.0, 0.3, 0.1], 10_000);
        var all = BruteForce(problem);
        double Accuracy(CascadeMetrics m) => accuracy == PlanAccuracy.Tpr ? m.Tpr : m.F1;
        double target = all.Select(a => Accuracy(a.Metrics)).OrderBy(x => x).ElementAt(all.Count * 2 / 3);
        var fastest = CascadePlanner.Fastest(problem, accuracy, target)!;
        double bestTime = all.Where(a => Accuracy(a.Metrics) >= target).Min(a => a.Metrics.ExpectedTime);
        Assert.Equal(bestTime, fastest.Metrics.ExpectedTime, 1e-9);
        Assert.True(fastest.Evaluated < all.Count, $"no pruning: {fastest.Evaluated} of {all.Count}");

        double budget = all.Select(a => a.Metrics.ExpectedTime).OrderBy(x => x).ElementAt(all.Count / 3);
        var accurate = CascadePlanner.MostAccurate(problem, accuracy, budget)!;
        double bestAccuracy = all.Where(a => a.Metrics.ExpectedTime <= budget).Max(a => Accuracy(a.Metrics));
        Assert.Equal(bestAccuracy, Accuracy(accurate.Metrics), 1e-12);
    }

    // Every plan of 1, 2 and 3 levels, without pruning.
    private static List<(int[] Choice, CascadeMetrics Metrics)> BruteForce(CascadePlanProblem problem)
    {
        var result = new List<(int[], CascadeMetrics)>();
        for (int m = 1; m <= problem.Roc.Count; m++)
        {
            int total = (int)Math.Pow(problem.Roc[0].Count, m);
            for (int code = 0; code < total; code++)
            {
                var choice = new int[m];
                for (int k = 0, rest = code; k < m; k++, rest /= problem.Roc[k - 1].Count) choice[k] = rest % problem.Roc[k].Count;
                var levels = choice.Select((c, k) => new CascadeLevel(problem.Roc[k][c].Tpr, problem.Roc[k][c].Fpr, problem.Costs[k])).ToArray();
                result.Add((choice, CascadeAnalysis.Cascade(new CascadeModel(problem.Dimensions, problem.Factor, problem.Prevalence, levels, problem.Chunks))));
            }
        }
        return result;
    }

    [Fact]
    public void RocFileIsReadAndValidated()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "level,threshold,tpr,fpr\n1,0.3,0.97,0.2\n0,0.5,0.9,0.05\n\n0,0.6,0.8,0.01\n");
            var curves = RocCurveFile.Read(path);
            Assert.Equal(2, curves.Count);
            Assert.Equal([0.5, 0.6], curves[0].Select(p => p.Threshold));
            Assert.Equal(new OperatingPoint(0.3, 0.97, 0.2), Assert.Single(curves[1]));

            File.WriteAllText(path, "level,threshold,tpr,fpr\n0,0.5,1.2,0.05\n");
            Assert.Contains("line 2: tpr '1.2'", Assert.Throws<NeuroLensException>(() => RocCurveFile.Read(path)).Message);
            File.WriteAllText(path, "level,threshold,fpr\n0,0.5,0.05\n");
            Assert.Contains("no 'tpr' column", Assert.Throws<NeuroLensException>(() => RocCurveFile.Read(path)).Message);
            File.WriteAllText(path, "level,threshold,tpr,fpr\n0,0.5,0.9,0.05\n2,0.5,0.9,0.05\n");
            Assert.Contains("not contiguous", Assert.Throws<NeuroLensException>(() => RocCurveFile.Read(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CostsMustMatchTheLevels()
    {
        var problem = HandMade(1, 1, 1);
        Assert.Contains("3 costs for 2 levels", Assert.Throws<NeuroLensException>(() => CascadePlanner.Fastest(problem, PlanAccuracy.Tpr, 0.5)).Message);
    }
}
