using NeuroLens.Cascade.Analysis;
using NeuroLens.Cascade.Execution;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Reproduction;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Cascade;

/// <summary>
/// <c>neurolens reproduce cascade</c> (cascade.md §5) on the three synthetic tasks — fluorescent nuclei
/// (detection), organelles in EM (segmentation) and tissue (segmentation): per task, pixel-classifier
/// detectors (filter bank + random forest) are trained per level on half of a generated image, thresholded
/// for TPR ≥ 0.95 on the other half, and the one-, two- and three-level detectors run on the whole image.
/// Reported: calls, detector time and accuracy (held-out chunk F1; Dice and object F1 over the image),
/// measured against closed-form savings, a prevalence sweep and a coarse-threshold sweep of the
/// prediction, and time saved against accuracy lost.
/// </summary>
public sealed class CascadeReproduction : IStudyReproduction
{
    /// <inheritdoc />
    public string Name => "cascade";

    /// <inheritdoc />
    public string Title => "Cascade: multi-resolution detectors for sparse objects";

    private sealed record Task(string Kind, string Title, double Prevalence, bool Segmentation);

    private static readonly Task[] Tasks =
    [
        new("nuclei", "fluorescent nuclei (detection)", 0.08, false),
        new("organelles", "organelles in EM (segmentation)", 0.10, true),
        new("tissue", "tissue on a slide (segmentation)", 0.20, true),
    ];

    /// <summary>
    /// Object voxels a level-0 chunk needs to count as positive: 16 = 4·r^d, so that the fragment still
    /// covers 4 voxels of its parent at level 1. A chunk that holds only a few blurred boundary voxels of an
    /// object centred in its neighbour is invisible to any detector, above all at half resolution; with
    /// one voxel counting, such fragments were a fifth of the positive organelle chunks, and with 8 a
    /// single 12-voxel fragment (4 voxels at level 1) set the coarse threshold of one seed (held-out TPR
    /// ≥ 0.95 of 13 positives cannot leave it out). They carry no weight in Dice.
    /// </summary>
    private const int MinVoxels = 16;

    private sealed record TaskRun(Task Task, int Levels, CascadeImageResult Result, CascadeComparison Predicted);

    /// <inheritdoc />
    public object Run(ReproductionContext context, Report report, IProgress<ProgressUpdate> progress)
    {
        // At least 384² (144 level-0 chunks): below that a held-out half can hold no positive chunk at some level.
        int size = Math.Max(384, (int)Math.Round(768 * Math.Sqrt(context.Scale) / 64) * 64);
        var runs = new List<TaskRun>();
        foreach (var (task, t) in Tasks.Select((task, t) => (task, t)))
        {
            progress.Report(new ProgressUpdate("cascade: tasks", t, Tasks.Length, "tasks"));
            var options = SyntheticData.Options(task.Kind, null, size, size, 1, task.Prevalence);
            if (options is TissueOptions tissue) options = tissue with { Stain = TissueStain.Grey };
            var sample = SyntheticData.Generate(options, (int)context.Seed + t);
            var pyramid = Pyramid.Build(sample.Image, 3, PyramidMethod.BlockMean, 2);
            foreach (int levels in new[] { 2, 3 })
            {
                var result = CascadeImageRun.Run(pyramid, 2, sample.Mask, task.Segmentation ? null : sample.Labels,
                    new CascadeImageOptions { Levels = levels, Detector = "forest", ChunkSize = 32, TargetTpr = 0.95, MinVoxels = MinVoxels },
                    (int)context.Seed + 100 * t + levels);
                runs.Add(new TaskRun(task, levels, result, CascadePrediction.Of(result, 2, 2)));
            }
        }
        progress.Report(new ProgressUpdate("cascade: tasks", Tasks.Length, Tasks.Length, "tasks"));
        return Write(context, report, runs, size);
    }

    private static object Write(ReproductionContext context, Report report, List<TaskRun> runs, int size)
    {
        var table = new CsvTable("task", "detector", "calls", "seconds", "chunk_f1", "dice", "object_f1",
                                 "call_ratio_measured", "call_ratio_predicted", "time_ratio_measured", "time_ratio_predicted");
        foreach (var task in Tasks)
        {
            var first = runs.First(r => r.Task == task);
            var single = first.Result.SingleLevel;
            table.AddRow(task.Kind, "single level", single.TotalCalls, single.Seconds, single.Chunks.F1, single.Dice, single.ObjectF1,
                         1.0, 1.0, 1.0, 1.0);
            foreach (var r in runs.Where(r => r.Task == task))
                table.AddRow(task.Kind, $"{r.Levels}-level cascade", r.Result.Cascade.TotalCalls, r.Result.Cascade.Seconds,
                    r.Result.Cascade.Chunks.F1, r.Result.Cascade.Dice, r.Result.Cascade.ObjectF1,
                    r.Result.CallRatio, r.Predicted.CallRatio, r.Result.TimeRatio, r.Predicted.TimeRatio);
        }
        context.Folder.WriteTable("cascade-runs.csv", table);

        var calibration = new CsvTable("task", "levels", "level", "threshold", "tpr", "tpr_low", "tpr_high", "fpr", "fpr_low", "fpr_high", "auc");
        foreach (var r in runs)
            foreach (var c in r.Result.Calibrations)
                calibration.AddRow(r.Task.Kind, r.Levels, c.Level, c.Threshold, c.Point.Tpr.Estimate, c.Point.Tpr.Lower, c.Point.Tpr.Upper,
                                   c.Point.Fpr.Estimate, c.Point.Fpr.Lower, c.Point.Fpr.Upper, c.Auc);
        context.Folder.WriteTable("cascade-calibration.csv", calibration);

        var twoLevel = runs.Where(r => r.Levels == 2).ToList();
        var prevalenceSweep = PrevalenceSweep(twoLevel);
        var thresholdSweep = ThresholdSweep(twoLevel);
        var tradeOff = TradeOff(runs);

        report.Paragraph($"Protocol (cascade.md §5): per task a {size}×{size} synthetic image with exact ground truth, a factor-2 " +
            "block-mean pyramid and 32-pixel chunks. At every level a pixel classifier (ilastik-style filter bank at σ = 1, 1.6, 3.5 " +
            "with an ML.NET FastForest and one round of hard-negative mining; chunk score = mean voxel probability) is trained on half " +
            $"of the image (split by top-level chunk) and thresholded for TPR ≥ 0.95 on the other half; a level-0 chunk is positive when it " +
            $"holds at least {MinVoxels} object voxels. The single-level detector runs on every level-0 chunk; a cascade runs its top level exhaustively and descends " +
            "into the children of positive chunks (AND rule). Chunk F1 is measured on the held-out half; Dice (segmentation tasks) and " +
            "object F1 (nuclei, centroids matched within 5 pixels) over the whole image. Predictions are the closed forms for the " +
            "measured prevalence, the held-out (β, α) of each level and each level's measured seconds per call.");
        report.Table(table, "Calls, detector time and accuracy; measured savings beside the closed-form prediction.", csvFileName: "cascade-runs.csv");

        var verdicts = twoLevel.Select(r =>
        {
            var s = r.Result.SingleLevel;
            var c = r.Result.Cascade;
            double accuracyLoss = r.Task.Segmentation ? (s.Dice ?? double.NaN) - (c.Dice ?? double.NaN) : s.Chunks.F1 - c.Chunks.F1;
            return new
            {
                Task = r.Task.Kind,
                Metric = r.Task.Segmentation ? "dice" : "chunk_f1",
                AccuracyLossPoints = 100 * accuracyLoss,
                TimeSavedPercent = 100 * (1 - r.Result.TimeRatio),
                PredictedTimeSavedPercent = 100 * (1 - r.Predicted.TimeRatio),
                CallsSavedPercent = 100 * (1 - r.Result.CallRatio),
                PredictedCallsSavedPercent = 100 * (1 - r.Predicted.CallRatio),
                IndependenceRatio = r.Result.Independence?.Ratio,
            };
        }).ToList();
        foreach (var v in verdicts)
            report.Paragraph($"{v.Task}: the two-level cascade {(v.AccuracyLossPoints <= 2 ? "stays within" : "loses more than")} 2 points of " +
                $"the single-level {v.Metric.Replace('_', ' ')} ({v.AccuracyLossPoints:F1} points) and saves {v.TimeSavedPercent:F0} % of the " +
                $"detector time (predicted {v.PredictedTimeSavedPercent:F0} %) and {v.CallsSavedPercent:F0} % of the calls (predicted " +
                $"{v.PredictedCallsSavedPercent:F0} %); observed/expected positive parents under independence: {v.IndependenceRatio:F2}.");

        report.Heading("Detectors", 3)
            .Table(calibration, "Held-out β (TPR) and α (FPR) with Wilson 95 % intervals at each level's threshold.", csvFileName: "cascade-calibration.csv");
        report.Heading("Sweeps and trade-off", 3)
            .Figure(prevalenceSweep, "cascade-prevalence.png",
                "Predicted two-level call ratio against prevalence for each task's measured detectors (lines); the measured run (markers). " +
                "As p → 0 the ratio tends to 1/c + α₁ (c = 4).")
            .Figure(thresholdSweep, "cascade-threshold.png",
                "Predicted time saved against cascade TPR as the coarse level's threshold moves along its held-out ROC curve.")
            .Figure(tradeOff, "cascade-tradeoff.png",
                "Measured time saved against accuracy lost (points of chunk F1 for nuclei, Dice for the segmentation tasks), two- and three-level cascades.");
        return new { ImageSize = size, Runs = verdicts };
    }

    private static Figure PrevalenceSweep(IReadOnlyList<TaskRun> runs)
    {
        var series = new List<PlotSeries>();
        var ps = Enumerable.Range(0, 41).Select(i => Math.Pow(10, -4 + i * 0.1)).Where(p => p < 1).ToList();
        foreach (var r in runs)
        {
            var levels = r.Result.Calibrations.Select(c => new CascadeLevel(c.Point.Tpr.Estimate, c.Point.Fpr.Estimate)).ToList();
            var ratios = ps.Select(p => CascadeAnalysis.Analyze(new CascadeModel(2, 2, p, levels, r.Result.Chunks)).CallRatio).ToList();
            series.Add(new PlotSeries($"{r.Task.Kind} (predicted)", ps.Select(Math.Log10).ToList(), ratios));
            series.Add(new PlotSeries($"{r.Task.Kind} (measured)", [Math.Log10(r.Result.Prevalence)], [r.Result.CallRatio], SeriesStyle.Markers));
        }
        return Plots.Lines(series, new PlotOptions { Title = "Two-level calls against prevalence", XLabel = "log10 prevalence p", YLabel = "cascade / single-level calls" });
    }

    private static Figure ThresholdSweep(IReadOnlyList<TaskRun> runs)
    {
        var series = new List<PlotSeries>();
        foreach (var r in runs)
        {
            var fine = r.Result.Calibrations[0];
            var coarse = r.Result.Calibrations[1];
            var points = coarse.Curve.Where(p => p.Tpr > 0).Select(p =>
            {
                var model = new CascadeModel(2, 2, r.Result.Prevalence,
                    [new CascadeLevel(fine.Point.Tpr.Estimate, fine.Point.Fpr.Estimate, Cost(r, 0)),
                     new CascadeLevel(p.Tpr, p.Fpr, Cost(r, 1))], r.Result.Chunks);
                var c = CascadeAnalysis.Analyze(model);
                return (Tpr: c.Cascade.Tpr, Saved: 100 * (1 - c.TimeRatio));
            }).OrderBy(p => p.Tpr).ToList();
            series.Add(new PlotSeries(r.Task.Kind, points.Select(p => p.Tpr).ToList(), points.Select(p => p.Saved).ToList()));
        }
        return Plots.Lines(series, new PlotOptions { Title = "Coarse-threshold sweep (predicted)", XLabel = "cascade TPR", YLabel = "time saved (%)" });
    }

    private static double Cost(TaskRun r, int level)
    {
        var run = level == 0 ? r.Result.SingleLevel : r.Result.Cascade;
        var a = run.Levels.FirstOrDefault(l => l.Level == level);
        return a is { Calls: > 0, Seconds: > 0 } ? a.Seconds / a.Calls : 1;
    }

    private static Figure TradeOff(IReadOnlyList<TaskRun> runs)
    {
        var series = runs.GroupBy(r => r.Task.Kind).Select(g =>
        {
            var points = g.Select(r =>
            {
                var s = r.Result.SingleLevel;
                var c = r.Result.Cascade;
                double loss = r.Task.Segmentation ? 100 * ((s.Dice ?? 0) - (c.Dice ?? 0)) : 100 * (s.Chunks.F1 - c.Chunks.F1);
                return (Loss: loss, Saved: 100 * (1 - r.Result.TimeRatio));
            }).ToList();
            return new PlotSeries(g.Key, points.Select(p => p.Loss).ToList(), points.Select(p => p.Saved).ToList(), SeriesStyle.Markers);
        }).ToList();
        return Plots.Lines(series, new PlotOptions { Title = "Time saved against accuracy lost", XLabel = "accuracy lost (points)", YLabel = "time saved (%)" });
    }
}
