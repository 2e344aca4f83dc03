using NeuroLens.Cascade.Analysis;
using NeuroLens.Core.Statistics;
using Xunit.Abstractions;

namespace NeuroLens.Cascade.Tests.Analysis;

public class CascadeSimulationTests(ITestOutputHelper output)
{
    // About a million level-0 chunks per configuration: ~1000 positives at p = 0.001, tens of ms each.
    private const int LeavesPerConfiguration = 1 << 20;

    private static IEnumerable<CascadeModel> Grid()
    {
        (double Tpr, double Fpr, double Cost)[][] detectors =
        [
            [(0.95, 0.02, 1.0), (0.9, 0.1, 0.25), (0.85, 0.15, 0.1)],
            [(0.8, 0.1, 2.0), (0.97, 0.3, 0.5), (0.99, 0.4, 0.2)],
        ];
        foreach (int levels in new[] { 2, 3 })
            foreach (int dims in new[] { 2, 3 })
                foreach (double p in new[] { 0.001, 0.01, 0.1 })
                    foreach (var set in detectors)
                        yield return new CascadeModel(dims, 2, p,
                            set.Take(levels).Select(l => new CascadeLevel(l.Tpr, l.Fpr, l.Cost)).ToArray(), 1_000_000);
    }

    private static IEnumerable<(string Name, double Closed, Estimate Simulated)> Pairs(CascadeMetrics closed, CascadeSimulationResult sim)
    {
        yield return ("tpr", closed.Tpr, sim.Tpr);
        yield return ("fpr", closed.Fpr, sim.Fpr);
        yield return ("ppv", closed.Ppv, sim.Ppv);
        yield return ("f1", closed.F1, sim.F1);
        for (int k = 0; k < closed.CallsPerLevel.Count; k++) yield return ($"calls{k}", closed.CallsPerLevel[k], sim.CallsPerLevel[k]);
        yield return ("total_calls", closed.TotalCalls, sim.TotalCalls);
        yield return ("time", closed.ExpectedTime, sim.ExpectedTime);
    }

    private static Estimate Widen(Estimate e, double factor) =>
        new(e.Value, e.Value - factor * (e.Value - e.Lower), e.Value + factor * (e.Upper - e.Value));

    [Fact]
    public void ClosedFormsLieInsideTheMonteCarloIntervalsOverTheGrid()
    {
        // 24 configurations (L ∈ {2,3}, d ∈ {2,3}, p ∈ {0.001, 0.01, 0.1}, two detector sets), 8 or 9 quantities
        // each: K = 204 comparisons, each against its own 99 % interval. With a correct closed form the number
        // of misses is about Binomial(K, 0.01) (mean 2.0; P(≥ 9) < 0.001 under independence; the quantities
        // of one configuration are positively correlated, which widens this a little). Two checks follow:
        //  (1) family-wise: every closed form lies in its Bonferroni-widened interval (per-comparison level
        //      1 − 0.01/K), so a correct formula fails this with probability ≤ 1 %;
        //  (2) at most 8 misses of the plain 99 % intervals.
        // Seeds are fixed, so the outcome is deterministic; the reasoning above bounds how unlikely a failure
        // would have been for a correct formula, i.e. that this seed was not picked to pass.
        var results = Grid().Select((model, i) => (Model: model,
            Closed: CascadeAnalysis.Cascade(model),
            Sim: CascadeSimulation.Run(model, LeavesPerConfiguration / (long)model.ChunkSize(model.LevelCount - 1), seed: 100 + i))).ToList();
        int comparisons = results.Sum(r => Pairs(r.Closed, r.Sim).Count());
        double z = NormalQuantile.Of(0.995), zFamily = NormalQuantile.Of(1 - 0.005 / comparisons);
        int misses = 0;
        foreach (var (model, closed, sim) in results)
            foreach (var (name, value, estimate) in Pairs(closed, sim))
            {
                Assert.False(double.IsNaN(estimate.Value), $"{name}: no estimate");
                if (!estimate.Contains(value))
                {
                    misses++;
                    output.WriteLine($"outside 99 %: L={model.LevelCount} d={model.Dimensions} p={model.Prevalence} {name}: closed {value}, MC {estimate}");
                }
                Assert.True(Widen(estimate, zFamily / z).Contains(value),
                    $"L={model.LevelCount} d={model.Dimensions} p={model.Prevalence} {name}: closed form {value} outside the family-wise interval of {estimate}");
            }
        output.WriteLine($"{misses} of {comparisons} outside their 99 % intervals");
        Assert.InRange(misses, 0, 8);
    }

    [Fact]
    public void TheValidatorRejectsPlausibleWrongFormulas()
    {
        // Power check: two natural mistakes for the two-level FPR must fall outside the 99 % interval.
        var model = new CascadeModel(2, 2, 0.1, [new(0.9, 0.05), new(0.9, 0.1)]);
        var sim = CascadeSimulation.Run(model, LeavesPerConfiguration / 4, seed: 7);
        double c = 4, p = 0.1;
        double right = 0.05 * (0.9 * (1 - Math.Pow(1 - p, c - 1)) + 0.1 * Math.Pow(1 - p, c - 1));
        double allSiblings = 0.05 * (0.9 * (1 - Math.Pow(1 - p, c)) + 0.1 * Math.Pow(1 - p, c)); // parent positive w.p. q1
        double independent = 0.05 * 0.1;
        Assert.True(sim.Fpr.Contains(right));
        Assert.False(sim.Fpr.Contains(allSiblings), $"{allSiblings} inside {sim.Fpr}");
        Assert.False(sim.Fpr.Contains(independent));
    }

    [Fact]
    public void SameSeedSameResultDifferentSeedDifferentResult()
    {
        var model = new CascadeModel(3, 2, 0.01, [new(0.9, 0.05), new(0.9, 0.1), new(0.8, 0.2)]);
        var a = CascadeSimulation.Run(model, 3000, seed: 5);
        var b = CascadeSimulation.Run(model, 3000, seed: 5);
        var c = CascadeSimulation.Run(model, 3000, seed: 6);
        Assert.Equal(a.Fpr, b.Fpr);
        Assert.Equal(a.CallsPerLevel, b.CallsPerLevel);
        Assert.NotEqual(a.Fpr, c.Fpr);
        Assert.Equal(3000 * 64, a.LevelZeroChunks);
    }

    [Fact]
    public void PerfectDetectorsGiveExactCountsAndZeroWidthIntervals()
    {
        // β = 1, α = 0 everywhere: TPR 1, FPR 0, PPV 1; the top level is called once per tree.
        var model = new CascadeModel(2, 2, 0.05, [new(1, 0), new(1, 0)], Chunks: 4000);
        var sim = CascadeSimulation.Run(model, 1000, seed: 1);
        Assert.Equal(new Estimate(1, 1, 1), sim.Tpr);
        Assert.Equal(new Estimate(0, 0, 0), sim.Fpr);
        Assert.Equal(new Estimate(1000, 1000, 1000), sim.CallsPerLevel[1]);
    }

    [Fact]
    public void ZeroPrevalenceHasNoTprEstimate()
    {
        var sim = CascadeSimulation.Run(new CascadeModel(2, 2, 0, [new(0.9, 0.1), new(0.9, 0.1)]), 100, seed: 0);
        Assert.Equal(0, sim.Positives);
        Assert.True(double.IsNaN(sim.Tpr.Value));
    }
}
