using NeuroLens.Core.Progress;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Reproduction;
using NeuroLens.Imaging.Unet;

namespace NeuroLens.Transfer;

/// <summary>
/// <c>neurolens reproduce transfer</c> (transfer.md §6): the <see cref="TransferStudy"/> protocol on
/// synthetic EM presets with small U-Nets, and its report section (MMD² heatmap with p-values, MMD
/// ranking against measured transfer, the fine-tuning VI table and VI-versus-n plot).
/// </summary>
public sealed class TransferReproduction : IStudyReproduction
{
    /// <summary>The presets of the default scale: four species and three microscopes.</summary>
    public static IReadOnlyList<string> DefaultPresets { get; } = ["mouse-sbem", "zebrafish-sbem", "worm-tem", "human-ssem"];

    /// <inheritdoc />
    public string Name => "transfer";

    /// <inheritdoc />
    public string Title => "Transfer: MMD source selection and source-free active learning";

    /// <summary>
    /// The study's settings at <paramref name="scale"/>: at 1, 4 presets, 128² patches (16 pool, 8
    /// validation, 4 test per domain), depth-2 width-8 U-Nets trained 300 steps, fine-tuning budget 50
    /// steps, 2 seeds of the chosen/worst/scratch comparison, one seed per cell of the transfer matrix. Larger scales add presets (all seven from 2), pool and test patches, source steps and seeds.
    /// </summary>
    public static (IReadOnlyList<string> Presets, DomainSizes Sizes, TransferStudyOptions Options) Settings(double scale, int seed)
    {
        double s = Math.Max(scale, 0.25);
        var presets = s >= 2 ? Imaging.Synthetic.EmPresets.Names : DefaultPresets;
        var sizes = new DomainSizes { PatchSize = 128, Train = Math.Max(8, (int)Math.Round(16 * s)), Validation = 8, Test = Math.Max(2, (int)Math.Round(4 * s)) };
        var options = new TransferStudyOptions
        {
            Network = new UNetConfig { Depth = 2, BaseWidth = 8 },
            SourceTraining = new TrainingBudget { Steps = (int)Math.Round(300 * s) },
            FineTuning = new TrainingBudget { Steps = 50 },
            Counts = s >= 2 ? [1, 2, 4, 8, 16] : [1, 2, 4, 8],
            Seeds = Math.Max(2, (int)Math.Round(2 * s)),
            MatrixSeeds = Math.Max(1, (int)Math.Round(s)),
            Seed = seed,
        };
        return (presets, sizes, options);
    }

    /// <inheritdoc />
    public object Run(ReproductionContext context, Report report, IProgress<ProgressUpdate> progress)
    {
        int seed = (int)(context.Seed & 0x7FFFFFFF);
        var (presets, sizes, options) = Settings(context.Scale, seed);
        List<TransferDomain> domains;
        using (context.Timings.Measure("transfer: data"))
            domains = [.. presets.Select(p => TransferDomain.Synthetic(p, sizes, seed))];
        TransferStudyResult result;
        using (context.Timings.Measure("transfer: study"))
            result = TransferStudy.Run(domains, options, progress);
        return TransferReport.Write(result, options, sizes, context.Folder, report);
    }
}
