using NeuroLens.Imaging.Unet;
using Xunit.Abstractions;

namespace NeuroLens.Transfer.Tests;

public sealed class TransferStudyTests(ITestOutputHelper output)
{
    private static readonly string[] Presets = ["mouse-sbem", "worm-tem", "zebrafish-sbem"];

    [Fact]
    public void TinyProtocolRunsEndToEndWithFiniteScores()
    {
        TorchThreads.UseOne();
        var sizes = new DomainSizes { PatchSize = 32, Train = 4, Validation = 2, Test = 1 };
        var domains = Presets.Select(p => TransferDomain.Synthetic(p, sizes, seed: 1)).ToList();
        var options = new TransferStudyOptions
        {
            Network = new UNetConfig { Depth = 2, BaseWidth = 4 },
            SourceTraining = new TrainingBudget { Steps = 15, BatchSize = 2, CropSize = 32 },
            FineTuning = new TrainingBudget { Steps = 3, BatchSize = 2, CropSize = 32 },
            Counts = [1, 2],
            Seeds = 1,
            MatrixCount = 2,
            MatrixSeeds = 1,
            Permutations = 19,
            Strategies = [SelectionStrategy.Random, SelectionStrategy.MedianUncertainty, SelectionStrategy.CoreSet],
        };
        var result = TransferStudy.Run(domains, options);

        Assert.Equal(Presets, result.Domains);
        for (int s = 0; s < 3; s++)
            for (int t = 0; t < 3; t++)
            {
                Assert.True(double.IsFinite(result.Mmd2[s, t]));
                Assert.InRange(result.PValues[s, t], 1.0 / 20, 1.0);
                Assert.True(double.IsFinite(result.ZeroShotVi[s, t]) && result.ZeroShotVi[s, t] >= 0);
                Assert.Equal(s == t, double.IsNaN(result.TransferVi[s, t]));
            }
        // Per target and n: chosen, worst and scratch with the comparison strategy, plus the two other strategies.
        Assert.Equal(3 * 2 * (3 + 2), result.Runs.Count);
        Assert.All(result.Runs, r => Assert.True(double.IsFinite(r.Vi) && r.Vi >= 0 && Math.Abs(r.Vi - r.Split - r.Merge) < 1e-9));
        Assert.All(result.Runs, r => Assert.Equal(r.N, r.Selected.Distinct().Count()));
        foreach (var ranking in result.Rankings)
        {
            Assert.Equal(2, ranking.Sources.Count);
            Assert.DoesNotContain(ranking.Target, ranking.Sources);
            Assert.True(ranking.Mmd2[0] <= ranking.Mmd2[1]);
            Assert.Equal(ranking.Sources[0], ranking.Chosen);
        }
        Assert.NotNull(result.Mantel);
        // Scratch shares the chosen source's patches, so only the initial weights differ.
        foreach (var scratch in result.Runs.Where(r => r.Arm == "scratch"))
            Assert.Equal(result.Runs.Single(r => r.Arm == "mmd-chosen" && r.Target == scratch.Target && r.N == scratch.N && r.Strategy == scratch.Strategy).Selected, scratch.Selected);
        output.WriteLine($"mean Spearman {result.MeanSpearman:F3}; runs {result.Runs.Count}");
    }

    [Fact]
    public void TheStudyIsDeterministic()
    {
        TorchThreads.UseOne();
        var sizes = new DomainSizes { PatchSize = 32, Train = 2, Validation = 2, Test = 1 };
        var domains = Presets.Select(p => TransferDomain.Synthetic(p, sizes, seed: 2)).ToList();
        var options = new TransferStudyOptions
        {
            Network = new UNetConfig { Depth = 1, BaseWidth = 4 },
            SourceTraining = new TrainingBudget { Steps = 4, BatchSize = 1, CropSize = 32 },
            FineTuning = new TrainingBudget { Steps = 2, BatchSize = 1, CropSize = 32 },
            Counts = [1], Seeds = 1, MatrixCount = 1, MatrixSeeds = 1, Permutations = 9,
            Strategies = [SelectionStrategy.MedianUncertainty],
        };
        var a = TransferStudy.Run(domains, options);
        var b = TransferStudy.Run(domains, options);
        Assert.Equal(a.Mmd2.Cast<double>(), b.Mmd2.Cast<double>());
        Assert.Equal(a.Runs.Select(r => r.Vi), b.Runs.Select(r => r.Vi));
    }
}
