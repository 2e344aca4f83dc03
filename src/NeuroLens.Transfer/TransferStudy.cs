using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Statistics;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Segmentation;
using NeuroLens.Imaging.Synthetic;
using NeuroLens.Imaging.Unet;
using static TorchSharp.torch;

namespace NeuroLens.Transfer;

/// <summary>
/// The Transfer study's protocol (transfer.md §4–§6) on a set of domains, each in turn the target while
/// the others are candidate sources:
/// <list type="number">
/// <item>a source U-Net per domain, trained on its training patches; its instance extraction threshold
/// tuned on its validation patches (never on target data);</item>
/// <item>the MMD² matrix with permutation p-values (<see cref="SourceRanking"/>): the target's pool
/// (its training patches, unlabelled) against each source's validation patches, in that source's
/// feature space;</item>
/// <item>the brute-force transfer matrix: each source fine-tuned on <see cref="TransferStudyOptions.MatrixCount"/>
/// random annotated target patches, VI on the target's test patches; per target the Spearman correlation
/// of MMD² and VI over the candidate sources; the Mantel test of MMD² against the preset parameter distance;</item>
/// <item>fine-tuning from the MMD-chosen source against the MMD-worst source and against scratch, with
/// the same n, patches (selected source-free with the chosen source's uncertainty and features),
/// extraction and step budget, over n and seeds; and the strategy sweep from the chosen source.</item>
/// </list>
/// VI is mean over test patches of split + merge in bits (log base 2) with <see cref="TransferStudyOptions.Ignore"/>.
/// </summary>
public static class TransferStudy
{
    /// <summary>Runs the protocol; at least three domains (two candidate sources per target).</summary>
    public static TransferStudyResult Run(IReadOnlyList<TransferDomain> domains, TransferStudyOptions options, IProgress<ProgressUpdate>? progress = null)
    {
        options.Validate();
        int count = domains.Count;
        if (count < 3) throw new NeuroLensException($"transfer study: {count} domains given, expected at least 3.");
        foreach (var d in domains)
            if (options.Counts.Any(n => n > d.Train.Count))
                throw new NeuroLensException($"transfer study: domain {d.Name} has {d.Train.Count} pool patches, fewer than n = {options.Counts.Max()}.");
        var names = domains.Select(d => d.Name).ToArray();
        var config = options.Network;
        var budget = options.FineTuning;
        long total = count + count * count + (long)count * (count - 1) * options.MatrixSeeds
                     + (long)count * options.Counts.Count * (3 * options.Seeds + options.Strategies.Count * options.StrategySeeds);
        long done = 0;
        void Step(string task) => progress?.Report(new ProgressUpdate(task, ++done, total, "steps"));

        var sources = new UNet[count];
        var extraction = new InstanceSegmentationOptions[count];
        try
        {
            for (int s = 0; s < count; s++)
            {
                sources[s] = FineTuning.Train(null, config, domains[s].Train, options.SourceTraining, Mix(options.Seed, 1, s));
                extraction[s] = FineTuning.TuneExtraction(sources[s], domains[s].Validation, options.Ignore);
                Step("training source models");
            }

            var mmd = new double[count, count];
            var p = new double[count, count];
            var sigma = new double[count, count];
            var zeroShot = new double[count, count];
            for (int s = 0; s < count; s++)
            {
                var source = new SourceModel(names[s], sources[s], [.. domains[s].Validation.Select(x => x.Image)]);
                for (int t = 0; t < count; t++)
                {
                    var result = SourceRanking.Distance(source, [.. domains[t].Train.Select(x => x.Image)],
                        new MmdOptions { Permutations = options.Permutations, Seed = Mix(options.Seed, 2, s, t) });
                    (mmd[s, t], p[s, t], sigma[s, t]) = (result.Mmd2, result.PValue ?? double.NaN, result.Bandwidth);
                    zeroShot[s, t] = FineTuning.Evaluate(sources[s], domains[t].Test, extraction[s], options.Ignore).Total;
                    Step("MMD² matrix");
                }
            }

            var transfer = new double[count, count];
            for (int t = 0; t < count; t++)
            {
                transfer[t, t] = double.NaN; // the target's own model is no candidate
                var picks = Enumerable.Range(0, options.MatrixSeeds)
                    .Select(k => ActiveSelection.Select(SelectionStrategy.Random, new double[domains[t].Train.Count], null,
                        Math.Min(options.MatrixCount, domains[t].Train.Count), new SelectionOptions { Seed = Mix(options.Seed, 3, t, k) }))
                    .ToArray();
                for (int s = 0; s < count; s++)
                {
                    if (s == t) continue;
                    double sum = 0;
                    for (int k = 0; k < options.MatrixSeeds; k++)
                    {
                        sum += FineTuneAndScore(sources[s], config, domains[t], picks[k], budget, Mix(options.Seed, 4, t, k), extraction[s], options).Total;
                        Step("brute-force transfer matrix");
                    }
                    transfer[s, t] = sum / options.MatrixSeeds;
                }
            }

            var rankings = new TargetRanking[count];
            for (int t = 0; t < count; t++)
            {
                var candidates = Enumerable.Range(0, count).Where(s => s != t).OrderBy(s => mmd[s, t]).ThenBy(s => s).ToArray();
                double[] m = [.. candidates.Select(s => mmd[s, t])], v = [.. candidates.Select(s => transfer[s, t])];
                rankings[t] = new TargetRanking(names[t], [.. candidates.Select(s => names[s])], m, [.. candidates.Select(s => p[s, t])], v,
                    Correlation.Spearman(m, v), names[candidates[0]], names[candidates[^1]], names[candidates[Array.IndexOf(v, v.Min())]]);
            }

            var runs = new List<FineTuneRun>();
            for (int t = 0; t < count; t++)
            {
                int chosen = Array.IndexOf(names, rankings[t].Chosen), worst = Array.IndexOf(names, rankings[t].Worst);
                runs.AddRange(FineTuneTarget(domains[t], sources, names, chosen, worst, extraction, options, Mix(options.Seed, 5, t), Step));
            }

            (double, double)? mantel = null;
            if (domains.All(d => d.Preset is not null))
            {
                var symmetric = new double[count, count];
                var parameter = new double[count, count];
                for (int i = 0; i < count; i++)
                    for (int j = 0; j < count; j++)
                    {
                        symmetric[i, j] = 0.5 * (mmd[i, j] + mmd[j, i]);
                        parameter[i, j] = EmPresets.ParameterDistance(domains[i].Preset!, domains[j].Preset!);
                    }
                mantel = Mantel.Test(symmetric, parameter, Math.Max(options.Permutations, 1), Mix(options.Seed, 6));
            }
            return new TransferStudyResult(names, mmd, p, sigma, transfer, zeroShot, extraction, rankings,
                rankings.Select(r => r.Spearman).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(), mantel, runs);
        }
        finally
        {
            foreach (var model in sources) model?.Dispose();
        }
    }

    /// <summary>
    /// The fine-tuning runs of one target: for each n and seed, the comparison strategy's patches picked
    /// with the chosen source (scores and features of the chosen model on the unlabelled pool), then the
    /// chosen source, the worst source and scratch each trained on them; and each sweep strategy from the
    /// chosen source. Scratch uses the chosen source's extraction options, so only the initial weights differ.
    /// </summary>
    private static List<FineTuneRun> FineTuneTarget(TransferDomain target, UNet[] sources, string[] names, int chosen, int worst,
        InstanceSegmentationOptions[] extraction, TransferStudyOptions options, int seed, Action<string> step)
    {
        var pool = target.Train.Select(x => x.Image).ToArray();
        var scores = Uncertainty.Scores(sources[chosen], pool);
        using var features = PatchFeatures.Of(sources[chosen], pool);
        var runs = new List<FineTuneRun>();
        string comparison = SelectionStrategies.Name(options.ComparisonStrategy);
        foreach (int n in options.Counts)
        {
            for (int k = 0; k < options.Seeds; k++)
            {
                int runSeed = Mix(seed, n, k);
                var picked = ActiveSelection.Select(options.ComparisonStrategy, scores, features, n, new SelectionOptions { Seed = runSeed, Rounds = options.Rounds });
                foreach (var (arm, from, ext) in new[] { ("mmd-chosen", chosen, chosen), ("mmd-worst", worst, worst), ("scratch", -1, chosen) })
                {
                    var vi = FineTuneAndScore(from < 0 ? null : sources[from], options.Network, target, picked, options.FineTuning, runSeed, extraction[ext], options);
                    runs.Add(new FineTuneRun(target.Name, arm, names[from < 0 ? chosen : from], comparison, n, runSeed, vi.Split, vi.Merge, vi.Total, picked));
                    step("fine-tuning");
                }
            }
            foreach (var strategy in options.Strategies)
                for (int k = 0; k < options.StrategySeeds; k++)
                {
                    int runSeed = Mix(seed, n, k);
                    // The comparison strategy's run with this seed is the mmd-chosen run above.
                    if (strategy != options.ComparisonStrategy || k >= options.Seeds)
                    {
                        var picked = ActiveSelection.Select(strategy, scores, features, n, new SelectionOptions { Seed = runSeed, Rounds = options.Rounds });
                        var vi = FineTuneAndScore(sources[chosen], options.Network, target, picked, options.FineTuning, runSeed, extraction[chosen], options);
                        runs.Add(new FineTuneRun(target.Name, "mmd-chosen", names[chosen], SelectionStrategies.Name(strategy), n, runSeed, vi.Split, vi.Merge, vi.Total, picked));
                    }
                    step("fine-tuning");
                }
        }
        return runs;
    }

    private static MeanVi FineTuneAndScore(UNet? source, UNetConfig config, TransferDomain target, IReadOnlyList<int> picked,
        TrainingBudget budget, int seed, InstanceSegmentationOptions extraction, TransferStudyOptions options)
    {
        using var model = FineTuning.Train(source, config, [.. picked.Select(i => target.Train[i])], budget, seed);
        return FineTuning.Evaluate(model, target.Test, extraction, options.Ignore);
    }

    // SplitMix64 over the parts: independent, platform-stable seeds for every run.
    internal static int Mix(params int[] parts)
    {
        ulong z = 0x9E3779B97F4A7C15UL;
        foreach (int part in parts)
        {
            z ^= unchecked((ulong)part + 0x9E3779B97F4A7C15UL + (z << 6) + (z >> 2));
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
        }
        return (int)(z & 0x7FFFFFFF);
    }
}
