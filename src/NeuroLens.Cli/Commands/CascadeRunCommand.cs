using System.CommandLine;
using NeuroLens.Cascade.Detectors;
using NeuroLens.Cascade.Analysis;
using NeuroLens.Cascade.Execution;
using NeuroLens.Core.Reports;
using NeuroLens.Imaging;
using NeuroLens.Imaging.IO;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Cli.Commands;

/// <summary>
/// <c>neurolens cascade run</c>: a real cascade on an annotated image or OME-Zarr pyramid — detectors
/// trained on half the image, thresholds from the held-out half, single-level and cascade runs with
/// calls and time per level, and accuracy on the held-out half. Registered under the <c>cascade</c> group.
/// </summary>
internal static class CascadeRunCommand
{
    /// <summary>The <c>run</c> subcommand.</summary>
    public static Command Create(Func<ParseResult, CommandContext> context)
    {
        var defaults = new CascadeImageOptions();
        var image = new Option<string>("--image") { Description = "The image or volume (any volume format); an OME-Zarr store supplies its own pyramid when its levels match --factor.", Required = true };
        var dataset = ImageCommand.DatasetOption();
        var truth = new Option<string>("--truth")
        {
            Description = "Annotation, same shape: a mask (non-zero = object) or instance labels (then object-level F1 is reported too). Required for now: detectors are trained on half of the image; loading saved models is not supported yet.",
            Required = true,
        };
        var truthDataset = new Option<string>("--truth-dataset") { Description = "HDF5 dataset or npz array of the truth.", DefaultValueFactory = _ => "volumes/labels/neuron_ids" };
        var levels = new Option<int>("--levels") { Description = "Cascade levels L (level 0 = full resolution).", DefaultValueFactory = _ => defaults.Levels };
        var factor = new Option<int>("--factor") { Description = "Downsampling factor r between levels.", DefaultValueFactory = _ => 2 };
        var detector = new Option<string>("--detector") { Description = "Detector at every level.", DefaultValueFactory = _ => defaults.Detector };
        detector.AcceptOnlyFromAmong([.. ChunkDetectors.Names]);
        var chunk = new Option<int>("--chunk") { Description = "Chunk size per axis (voxels of each level).", DefaultValueFactory = _ => defaults.ChunkSize };
        var targetTpr = new Option<double>("--target-tpr") { Description = "Each level's threshold is the strictest reaching this TPR on the held-out half.", DefaultValueFactory = _ => defaults.TargetTpr };
        var minVoxels = new Option<int>("--min-voxels") { Description = "Object voxels a level-0 chunk needs to count as positive.", DefaultValueFactory = _ => defaults.MinVoxels };
        var batch = new Option<int>("--batch") { Description = "Chunks per detector call batch.", DefaultValueFactory = _ => defaults.BatchSize };
        var radius = new Option<double>("--match-radius") { Description = "Centroid distance (voxels) of an object match.", DefaultValueFactory = _ => defaults.MatchRadius };
        var command = new Command("run", "Run single-level and cascade detectors on an annotated image: calls and time per level, held-out accuracy.")
            { image, dataset, truth, truthDataset, levels, factor, detector, chunk, targetTpr, minVoxels, batch, radius };
        command.SetAction(parse =>
        {
            var ctx = context(parse);
            var timings = new Timings();
            string imagePath = parse.GetValue(image)!, truthPath = parse.GetValue(truth)!;
            int l = parse.GetValue(levels), r = parse.GetValue(factor);
            if (l < 1) throw new UsageException($"--levels must be ≥ 1, got {l}.");
            if (r < 2) throw new UsageException($"--factor must be ≥ 2, got {r}.");
            var options = new CascadeImageOptions
            {
                Levels = l, ChunkSize = parse.GetValue(chunk), Detector = parse.GetValue(detector)!, TargetTpr = parse.GetValue(targetTpr),
                MinVoxels = parse.GetValue(minVoxels), BatchSize = parse.GetValue(batch), MatchRadius = parse.GetValue(radius),
            };
            IReadOnlyList<Volume<float>> pyramid;
            Volume<uint> labels;
            using (timings.Measure("read"))
            {
                pyramid = LoadPyramid(imagePath, parse.GetValue(dataset)!, l, r);
                labels = VolumeConversion.ToLabels(VolumeFile.Read(truthPath, new VolumeReadOptions { Dataset = parse.GetValue(truthDataset)! }), truthPath);
            }
            if (!labels.Shape.SequenceEqual(pyramid[0].Shape))
                throw new UsageException($"{truthPath}: shape [{string.Join(", ", labels.Shape)}] differs from the image's [{string.Join(", ", pyramid[0].Shape)}].");
            var mask = new Volume<byte>(labels.Depth, labels.Height, labels.Width, 1, labels.Dimensions);
            for (int i = 0; i < mask.Data.Length; i++) mask.Data[i] = labels.Data[i] != 0 ? (byte)1 : (byte)0;
            bool instances = labels.Data.Where(v => v != 0).Distinct().Skip(1).Any();

            CascadeImageResult result;
            using (timings.Measure("cascade"))
                result = ctx.WithProgress(progress => CascadeImageRun.Run(pyramid, r, mask, instances ? labels : null, options, ctx.Seed, progress));
            var predicted = CascadePrediction.Of(result, pyramid[0].Dimensions, r);
            var summary = new
            {
                Image = imagePath, Truth = truthPath, Options = options, Factor = r, Result = Compact(result),
                result.CallRatio, result.TimeRatio, PredictedCallRatio = predicted.CallRatio, PredictedTimeRatio = predicted.TimeRatio,
                PredictedCallsPerLevel = predicted.Cascade.CallsPerLevel,
            };
            var folder = ctx.Output;
            var (levelsTable, calibrationTable, rocTable, accuracyTable) = Tables(result);
            folder.WriteTable("levels.csv", levelsTable);
            folder.WriteTable("calibration.csv", calibrationTable);
            folder.WriteTable("roc.csv", rocTable);
            folder.WriteTable("accuracy.csv", accuracyTable);
            folder.WriteReport(Report(result, predicted, options, r, levelsTable, calibrationTable, accuracyTable));
            folder.WriteResults(ctx.Run(), timings, summary);
            if (ctx.Json) ctx.WriteJson(summary);
            else if (!ctx.Quiet)
                ctx.Stdout.WriteLine($"{result.Chunks} chunks, p = {result.Prevalence:F4}: cascade {result.Cascade.TotalCalls} calls ({result.CallRatio:P1} of single-level), " +
                    $"{result.Cascade.Seconds:F2} s vs {result.SingleLevel.Seconds:F2} s; held-out F1 {result.Cascade.Chunks.F1:F3} vs {result.SingleLevel.Chunks.F1:F3}; report in {folder.Path}");
            return ExitCodes.Success;
        });
        return command;
    }

    // An OME-Zarr store whose first L levels have the shapes ⌈n / r^k⌉ is used as is; anything else is
    // read at full resolution and downsampled by block mean.
    private static IReadOnlyList<Volume<float>> LoadPyramid(string path, string dataset, int levels, int factor)
    {
        if (Directory.Exists(path) && !OmeZarr.IsArray(path) && File.Exists(Path.Combine(path, ".zattrs")))
        {
            var info = OmeZarr.Describe(path);
            var grid = new ChunkGrid(info.Shape, Enumerable.Repeat(1, info.Shape.Length).ToArray(), levels, factor);
            bool matches = info.Levels.Count >= levels && Enumerable.Range(0, levels).All(k =>
            {
                var b = grid.LevelBounds(k);
                int[] expected = info.Shape.Length == 3 ? [b.Depth, b.Height, b.Width] : [b.Height, b.Width];
                return info.Levels[k].Shape.SequenceEqual(expected);
            });
            if (matches)
                return Enumerable.Range(0, levels).Select(k => VolumeConversion.ToUnitFloat(OmeZarr.Read(path, k), $"{path} level {k}")).ToList();
        }
        var image = VolumeConversion.ToUnitFloat(VolumeFile.Read(path, new VolumeReadOptions { Dataset = dataset }), path);
        return Pyramid.Build(image, levels, PyramidMethod.BlockMean, factor);
    }

    // results.json keeps the numbers and leaves the ROC curves to roc.csv.
    private static object Compact(CascadeImageResult r) => new
    {
        r.Chunks, r.ChildrenPerParent, r.Prevalence, r.Independence,
        Calibrations = r.Calibrations.Select(c => new { c.Level, c.Detector, c.Threshold, c.Point, c.Auc }),
        r.SingleLevel, r.Cascade,
    };

    private static (CsvTable Levels, CsvTable Calibration, CsvTable Roc, CsvTable Accuracy) Tables(CascadeImageResult r)
    {
        var levels = new CsvTable("run", "level", "calls", "positives", "batches", "seconds");
        foreach (var (name, run) in new[] { ("single", r.SingleLevel), ("cascade", r.Cascade) })
            foreach (var a in run.Levels) levels.AddRow(name, a.Level, a.Calls, a.Positives, a.Batches, a.Seconds);
        var calibration = new CsvTable("level", "detector", "threshold", "tpr", "tpr_low", "tpr_high", "fpr", "fpr_low", "fpr_high", "auc");
        foreach (var c in r.Calibrations)
            calibration.AddRow(c.Level, c.Detector, c.Threshold, c.Point.Tpr.Estimate, c.Point.Tpr.Lower, c.Point.Tpr.Upper,
                c.Point.Fpr.Estimate, c.Point.Fpr.Lower, c.Point.Fpr.Upper, c.Auc);
        var roc = new CsvTable("level", "threshold", "tpr", "fpr");
        foreach (var c in r.Calibrations)
            foreach (var p in c.Curve) roc.AddRow(c.Level, p.Threshold, p.Tpr, p.Fpr);
        var accuracy = new CsvTable("run", "calls", "seconds", "tpr", "fpr", "precision", "f1", "dice", "iou", "object_f1");
        foreach (var (name, run) in new[] { ("single", r.SingleLevel), ("cascade", r.Cascade) })
            accuracy.AddRow(name, run.TotalCalls, run.Seconds, run.Chunks.Tpr, run.Chunks.Fpr, run.Chunks.Precision, run.Chunks.F1, run.Dice, run.IoU, run.ObjectF1);
        return (levels, calibration, roc, accuracy);
    }

    private static Report Report(CascadeImageResult r, CascadeComparison predicted, CascadeImageOptions options, int factor, CsvTable levels, CsvTable calibration, CsvTable accuracy)
    {
        var report = new Report("Cascade run")
            .Paragraph($"{options.Levels}-level cascade of '{options.Detector}' detectors, chunks of {options.ChunkSize} voxels, factor {factor} " +
                $"(c = {r.ChildrenPerParent} children per parent), thresholds for TPR ≥ {options.TargetTpr} on the held-out half.")
            .Summary(
            [
                new("level-0 chunks n", r.Chunks),
                new("prevalence p", r.Prevalence),
                new("cascade / single-level calls, measured", r.CallRatio),
                new("cascade / single-level calls, predicted", predicted.CallRatio),
                new("cascade / single-level time, measured", r.TimeRatio),
                new("cascade / single-level time, predicted", predicted.TimeRatio),
            ]);
        var sideBySide = new CsvTable("level", "calls_measured", "calls_predicted");
        foreach (var a in r.Cascade.Levels) sideBySide.AddRow(a.Level, a.Calls, predicted.Cascade.CallsPerLevel[a.Level]);
        report.Table(sideBySide, "Cascade calls per level: measured, and predicted by the closed form from the measured p, β, α.");
        if (r.Independence is { } ind)
            report.Paragraph($"Independence check: {ind.ObservedParents} positive level-1 parents observed, {ind.ExpectedParents:F1} ± {ind.ExpectedStandardError:F1} " +
                $"expected under i.i.d. Bernoulli(p) chunk labels (ratio {ind.Ratio:F3}, z = {ind.ZScore:F1}); a ratio below 1 means objects cluster, " +
                "which lowers the cascade's calls below the closed-form prediction.");
        report.Heading("Detectors on the held-out half")
            .Table(calibration, "β (TPR) and α (FPR) with Wilson 95 % intervals at each level's threshold; ROC curves in roc.csv.", csvFileName: "calibration.csv")
            .Heading("Calls and time per level")
            .Table(levels, "Detector calls, positive calls, batches and detector wall time per level.", csvFileName: "levels.csv")
            .Heading("Accuracy")
            .Table(accuracy, "Chunk-level rates on the held-out half; Dice, IoU and object F1 (pixel detectors) over the whole image.", csvFileName: "accuracy.csv");
        return report;
    }
}
