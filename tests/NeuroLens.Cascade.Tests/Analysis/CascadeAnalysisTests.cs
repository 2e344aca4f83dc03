using NeuroLens.Cascade.Analysis;
using NeuroLens.Core;

namespace NeuroLens.Cascade.Tests.Analysis;

public class CascadeAnalysisTests
{
    private static CascadeModel Model(int dims, int factor, double p, long chunks, params (double Tpr, double Fpr, double Cost)[] levels) =>
        new(dims, factor, p, levels.Select(l => new CascadeLevel(l.Tpr, l.Fpr, l.Cost)).ToArray(), chunks);

    public static TheoryData<int, int, double, double, double, double, double, double, double> TwoLevelCases => new()
    {
        // d, r, p, β0, α0, c0, β1, α1, c1
        { 2, 2, 0.01, 0.95, 0.02, 1.0, 0.9, 0.1, 0.3 },
        { 3, 2, 0.001, 0.99, 0.05, 2.0, 0.97, 0.2, 0.1 },
        { 2, 3, 0.2, 0.8, 0.3, 1.0, 0.6, 0.4, 1.5 },
        { 3, 4, 1e-5, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0 },
        { 2, 2, 0.5, 0.7, 0.01, 5.0, 0.999, 0.001, 0.01 },
        { 1, 2, 0.0, 0.9, 0.1, 1.0, 0.8, 0.2, 1.0 },
    };

    [Theory]
    [MemberData(nameof(TwoLevelCases))]
    public void GeneralFormulasReduceExactlyToTheTwoLevelOnes(int d, int r, double p, double b0, double a0, double c0, double b1, double a1, double c1)
    {
        var model = Model(d, r, p, 123_456, (b0, a0, c0), (b1, a1, c1));
        var general = CascadeAnalysis.Cascade(model);
        var two = TwoLevelClosedForm.Cascade(model);
        Assert.Equal(two.Tpr, general.Tpr, 1e-12);
        Assert.Equal(two.Fpr, general.Fpr, 1e-12);
        Assert.Equal(two.Ppv, general.Ppv, 1e-12);
        Assert.Equal(two.F1, general.F1, 1e-12);
        // Calls scale with n = 123456: compare per level-0 chunk.
        for (int k = 0; k < 2; k++)
            Assert.Equal(two.CallsPerLevel[k] / model.Chunks, general.CallsPerLevel[k] / model.Chunks, 1e-12);
        Assert.Equal(two.ExpectedTime / model.Chunks, general.ExpectedTime / model.Chunks, 1e-12);
        Assert.Equal(general.ExpectedTime < c0 * model.Chunks, TwoLevelClosedForm.IsFaster(model));
    }

    [Fact]
    public void TwoLevelFormulasMatchAHandComputedCase()
    {
        // c = 4, p = 0.1: (1 − p)^3 = 0.729, q1 = 1 − 0.6561 = 0.3439.
        var m = TwoLevelClosedForm.Cascade(Model(2, 2, 0.1, 1000, (0.9, 0.05, 1), (0.8, 0.1, 0.5)));
        Assert.Equal(0.72, m.Tpr, 1e-15);
        Assert.Equal(0.05 * (0.8 * 0.271 + 0.1 * 0.729), m.Fpr, 1e-15);
        double pi1 = 0.8 * 0.3439 + 0.1 * 0.6561;
        Assert.Equal(1000 * pi1, m.CallsPerLevel[0], 1e-9);
        Assert.Equal(250, m.CallsPerLevel[1], 1e-12);
        Assert.Equal(0.5 * 250 + 1000 * pi1, m.ExpectedTime, 1e-9);
        double ppv = 0.1 * 0.72 / (0.1 * 0.72 + 0.9 * m.Fpr);
        Assert.Equal(ppv, m.Ppv, 1e-14);
        Assert.Equal(2 * ppv * 0.72 / (ppv + 0.72), m.F1, 1e-14);
    }

    public static TheoryData<int, int> EnumerableTrees => new() { { 3, 1 }, { 4, 1 }, { 2, 2 }, { 3, 2 } };

    [Theory]
    [MemberData(nameof(EnumerableTrees))]
    public void GeneralFormulasEqualExactEnumerationOverEveryLabelling(int levels, int dims)
    {
        // An independent derivation: enumerate all 2^S labellings of one tree, and for each the exact chance
        // that every chunk is examined and every leaf reported (products of β/α along the chain).
        var levelsSpec = Enumerable.Range(0, levels).Select(k => (0.95 - 0.07 * k, 0.03 + 0.11 * k, 1.0 + k)).ToArray();
        var model = Model(dims, 2, 0.13, 1 << (dims * (levels - 1)), levelsSpec);
        var exact = EnumerateTree(model);
        var closed = CascadeAnalysis.Cascade(model);
        // The enumeration sums up to 2^16 · 16 terms: its own rounding is about 1e-11.
        Assert.Equal(exact.Tpr, closed.Tpr, 1e-10);
        Assert.Equal(exact.Fpr, closed.Fpr, 1e-10);
        for (int k = 0; k < levels; k++) Assert.Equal(exact.Calls[k], closed.CallsPerLevel[k], 1e-10);
    }

    private static (double Tpr, double Fpr, double[] Calls) EnumerateTree(CascadeModel model)
    {
        int levels = model.LevelCount, children = (int)model.Children, leaves = (int)model.ChunkSize(levels - 1);
        double p = model.Prevalence, tp = 0, fp = 0, positives = 0, negatives = 0;
        var calls = new double[levels];
        for (int mask = 0; mask < 1 << leaves; mask++)
        {
            int ones = System.Numerics.BitOperations.PopCount((uint)mask);
            double weight = Math.Pow(p, ones) * Math.Pow(1 - p, leaves - ones);
            for (int leaf = 0; leaf < leaves; leaf++)
            {
                // The chain of ancestors of this leaf: level-k ancestor index leaf / s_k.
                double chain = 1;
                for (int k = levels - 1; k >= 0; k--)
                {
                    int size = (int)model.ChunkSize(k), index = leaf / size;
                    bool positive = ((mask >> (index * size)) & ((1 << size) - 1)) != 0;
                    // Count each level-k chunk's examination once: at its first leaf.
                    if (leaf % size == 0) calls[k] += weight * chain;
                    chain *= positive ? model.Levels[k].Tpr : model.Levels[k].Fpr;
                }
                bool leafPositive = ((mask >> leaf) & 1) != 0;
                if (leafPositive) { tp += weight * chain; positives += weight; }
                else { fp += weight * chain; negatives += weight; }
            }
        }
        return (tp / positives, fp / negatives, calls);
    }

    [Fact]
    public void SingleLevelUsesLevelZeroOnEveryChunk()
    {
        var s = CascadeAnalysis.SingleLevel(Model(3, 2, 0.05, 5000, (0.9, 0.1, 2), (0.5, 0.5, 1)));
        Assert.Equal(0.9, s.Tpr);
        Assert.Equal(0.1, s.Fpr);
        Assert.Equal([5000.0, 0.0], s.CallsPerLevel);
        Assert.Equal(10_000, s.ExpectedTime);
    }

    [Fact]
    public void OneLevelCascadeIsTheSingleLevelDetector()
    {
        var model = Model(2, 2, 0.03, 777, (0.91, 0.07, 1.3));
        var c = CascadeAnalysis.Analyze(model);
        Assert.Equal(c.SingleLevel, c.Cascade with { CallsPerLevel = c.SingleLevel.CallsPerLevel });
        Assert.Equal(c.SingleLevel.CallsPerLevel, c.Cascade.CallsPerLevel);
        Assert.Equal(1.0, c.TimeRatio, 1e-15);
    }

    [Fact]
    public void SparseLimitOfTheCallRatioIsOneOverCPlusAlpha1()
    {
        // cascade.md §2: as p → 0 the call ratio tends to 1/c + α1.
        var c = CascadeAnalysis.Analyze(Model(3, 2, 1e-12, 1_000_000, (0.9, 0.05, 1), (0.95, 0.2, 1)));
        Assert.Equal(1.0 / 8 + 0.2, c.CallRatio, 1e-9);
    }

    [Fact]
    public void BreakEvenPrevalenceSolvesTheTwoLevelEquation()
    {
        // β1 = 1, α1 = 0, c1 = c0: time ratio = 1/c + 1 − (1 − p)^c = 1 ⇔ p = 1 − c^(−1/c).
        var model = Model(2, 2, 0.5, 1000, (0.9, 0.1, 1), (1, 0, 1));
        double p = CascadeAnalysis.BreakEvenPrevalence(model);
        Assert.Equal(1 - Math.Pow(4, -0.25), p, 1e-12);
        var below = CascadeAnalysis.Analyze(model with { Prevalence = p * 0.9 });
        var above = CascadeAnalysis.Analyze(model with { Prevalence = Math.Min(1, p * 1.1) });
        Assert.True(below.TimeRatio < 1 && above.TimeRatio > 1);
    }

    [Fact]
    public void BreakEvenOfAThreeLevelCascadeHasUnitTimeRatio()
    {
        var model = Model(3, 2, 0.5, 1000, (0.95, 0.05, 1), (0.9, 0.1, 4), (0.9, 0.2, 4));
        double p = CascadeAnalysis.BreakEvenPrevalence(model);
        Assert.InRange(p, 1e-6, 0.5);
        Assert.Equal(1.0, CascadeAnalysis.Analyze(model with { Prevalence = p }).TimeRatio, 1e-9);
    }

    [Fact]
    public void NoBreakEvenWhenTheCascadeAlwaysSaves()
    {
        // Free coarse level, perfect coarse detector: ratio = q1 < 1 for every p < 1.
        Assert.True(double.IsNaN(CascadeAnalysis.BreakEvenPrevalence(Model(2, 2, 0.1, 100, (0.9, 0.1, 1), (1, 0, 0)))));
    }

    [Fact]
    public void InvalidModelsAreOneLineErrors()
    {
        var e = Assert.Throws<NeuroLensException>(() => CascadeAnalysis.Cascade(Model(2, 2, 1.5, 10, (0.9, 0.1, 1))));
        Assert.Contains("prevalence", e.Message);
        e = Assert.Throws<NeuroLensException>(() => CascadeAnalysis.Cascade(Model(2, 2, 0.1, 10, (0.9, 0.1, 1), (1.2, 0.1, 1))));
        Assert.Contains("level 1 TPR", e.Message);
        e = Assert.Throws<NeuroLensException>(() => CascadeAnalysis.Cascade(Model(2, 1, 0.1, 10, (0.9, 0.1, 1))));
        Assert.Contains("factor", e.Message);
    }
}
