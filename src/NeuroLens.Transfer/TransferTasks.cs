using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Statistics;
using NeuroLens.Imaging.Unet;

namespace NeuroLens.Transfer;

/// <summary>The chosen patches of a pool and the scores they were chosen by.</summary>
/// <param name="Strategy">The strategy's name.</param>
/// <param name="Selected">Pool indices in pick order.</param>
/// <param name="Scores">Uncertainty (mean binary entropy, bits) of every pool patch under the model.</param>
public sealed record SelectionResult(string Strategy, IReadOnlyList<int> Selected, IReadOnlyList<double> Scores);

/// <summary>
/// The Transfer study's entry points on models and data named by path or preset, one per command of
/// <c>neurolens transfer</c>. Models are folders written by <c>neurolens unet train</c> (or
/// <see cref="UnetCheckpoint.SaveModel"/>); data arguments use <see cref="TransferDomain.Load"/>'s syntax.
/// </summary>
public static class TransferTasks
{
    /// <summary>
    /// MMD² of every source (model + the data it was trained on, whose validation patches are its
    /// reference) against the target's pool, with permutation p-values, smallest first.
    /// </summary>
    public static IReadOnlyList<SourceScore> Rank(string target, IReadOnlyList<string> models, IReadOnlyList<string> sourceData,
        DomainSizes sizes, MmdOptions mmd, int seed)
    {
        if (models.Count == 0) throw new NeuroLensException("transfer rank: give at least one source model.");
        if (models.Count != sourceData.Count)
            throw new NeuroLensException($"transfer rank: {models.Count} source models but {sourceData.Count} source data; give the training data of each model, in order.");
        var pool = TransferDomain.Load(target, sizes, seed).Train.Select(p => p.Image).ToArray();
        var sources = new List<SourceModel>();
        try
        {
            for (int i = 0; i < models.Count; i++)
            {
                var model = UnetCheckpoint.LoadModel(models[i]);
                sources.Add(new SourceModel(models[i], model, [.. TransferDomain.Load(sourceData[i], sizes, seed).Validation.Select(p => p.Image)]));
            }
            return SourceRanking.Rank(sources, pool, mmd);
        }
        finally { foreach (var s in sources) s.Model.Dispose(); }
    }

    /// <summary>Source-free selection of n patches of the pool with the model's uncertainty and features.</summary>
    public static SelectionResult Select(string model, string pool, int n, SelectionStrategy strategy, SelectionOptions options, DomainSizes sizes, int seed)
    {
        using var unet = UnetCheckpoint.LoadModel(model);
        var images = TransferDomain.Load(pool, sizes, seed).Train.Select(p => p.Image).ToArray();
        var scores = Uncertainty.Scores(unet, images);
        using var features = PatchFeatures.Of(unet, images);
        return new SelectionResult(SelectionStrategies.Name(strategy), ActiveSelection.Select(strategy, scores, features, n, options), scores);
    }

    /// <summary>
    /// Fine-tuning a pretrained model against scratch on the target (transfer.md §5): for each n and
    /// seed, the strategy picks n pool patches from the model's predictions, both networks train on them
    /// with the same budget, the extraction threshold is tuned on the source data's validation patches,
    /// and VI is measured on the target's test patches.
    /// </summary>
    public static IReadOnlyList<FineTuneRun> FineTune(string model, string sourceData, string target, IReadOnlyList<int> counts, int seeds,
        SelectionStrategy strategy, TrainingBudget budget, DomainSizes sizes, Imaging.Metrics.IgnoreZero ignore, int seed, IProgress<ProgressUpdate>? progress = null)
    {
        using var source = UnetCheckpoint.LoadModel(model);
        var sourceDomain = TransferDomain.Load(sourceData, sizes, seed);
        var domain = TransferDomain.Load(target, sizes, seed);
        if (counts.Any(n => n < 1 || n > domain.Train.Count))
            throw new NeuroLensException($"transfer finetune: every n must be 1 to the pool size {domain.Train.Count}, got {string.Join(", ", counts)}.");
        var extraction = FineTuning.TuneExtraction(source, sourceDomain.Validation, ignore);
        var pool = domain.Train.Select(p => p.Image).ToArray();
        var scores = Uncertainty.Scores(source, pool);
        using var features = PatchFeatures.Of(source, pool);
        var runs = new List<FineTuneRun>();
        long done = 0, total = (long)counts.Count * seeds * 2;
        foreach (int n in counts)
            for (int k = 0; k < seeds; k++)
            {
                int runSeed = TransferStudy.Mix(seed, n, k);
                var picked = ActiveSelection.Select(strategy, scores, features, n, new SelectionOptions { Seed = runSeed });
                foreach (var (arm, from) in new[] { ("pretrained", source), ("scratch", (UNet?)null) })
                {
                    using var trained = FineTuning.Train(from, source.Config, [.. picked.Select(i => domain.Train[i])], budget, runSeed);
                    var vi = FineTuning.Evaluate(trained, domain.Test, extraction, ignore);
                    runs.Add(new FineTuneRun(domain.Name, arm, model, SelectionStrategies.Name(strategy), n, runSeed, vi.Split, vi.Merge, vi.Total, picked));
                    progress?.Report(new ProgressUpdate("fine-tuning", ++done, total, "runs"));
                }
            }
        return runs;
    }

    /// <summary>The whole protocol (<see cref="TransferStudy.Run"/>) on the given domains, with its report section and CSVs in <paramref name="folder"/>; returns the summary.</summary>
    public static object Study(IReadOnlyList<string> domains, DomainSizes sizes, TransferStudyOptions options, OutputFolder folder, Report report,
        IProgress<ProgressUpdate>? progress = null)
    {
        var loaded = domains.Select(d => TransferDomain.Load(d, sizes, options.Seed)).ToList();
        var result = TransferStudy.Run(loaded, options, progress);
        return TransferReport.Write(result, options, sizes, folder, report);
    }
}
