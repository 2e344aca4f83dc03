using NeuroLens.Cascade.Detectors;
using NeuroLens.Core.Progress;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Cascade.Execution;

/// <summary>Options of <see cref="CascadeImageRun"/>.</summary>
public sealed record CascadeImageOptions
{
    /// <summary>Cascade levels L ≥ 1 (level 0 = full resolution; L = 1 is the single-level detector alone).</summary>
    public int Levels { get; init; } = 2;

    /// <summary>Chunk size s per axis, in each level's voxels.</summary>
    public int ChunkSize { get; init; } = 32;

    /// <summary>The detector at every level: <c>intensity</c>, <c>forest</c> or <c>cnn</c>.</summary>
    public string Detector { get; init; } = "forest";

    /// <summary>Target TPR β of each level's threshold, chosen on the held-out half.</summary>
    public double TargetTpr { get; init; } = 0.95;

    /// <summary>Object voxels a level-0 chunk needs to be positive.</summary>
    public int MinVoxels { get; init; } = 1;

    /// <summary>Chunks per detector call batch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Centroid distance (level-0 voxels) within which a detected object matches a true one.</summary>
    public double MatchRadius { get; init; } = 5;
}

/// <summary>Measured cost and accuracy of one run (single-level or cascade).</summary>
/// <param name="Levels">Calls, positives, batches and seconds per level, level 0 first.</param>
/// <param name="TotalCalls">Calls over all levels.</param>
/// <param name="Seconds">Detector wall time over all levels.</param>
/// <param name="Chunks">Chunk-level accuracy on the held-out level-0 chunks.</param>
/// <param name="Dice">Dice of the implied segmentation over the whole image (pixel detectors only).</param>
/// <param name="IoU">IoU of the implied segmentation over the whole image (pixel detectors only).</param>
/// <param name="ObjectF1">Object-level detection F1 over the whole image (pixel detectors with labels only).</param>
public sealed record RunSummary(IReadOnlyList<LevelAccounting> Levels, long TotalCalls, double Seconds, ChunkMetrics Chunks, double? Dice, double? IoU, double? ObjectF1);

/// <summary>The outcome of <see cref="CascadeImageRun.Run"/>.</summary>
/// <param name="Chunks">Level-0 chunks n.</param>
/// <param name="ChildrenPerParent">c = r^d.</param>
/// <param name="Prevalence">Empirical p of level-0 chunk labels.</param>
/// <param name="Independence">Departure of the labels from independence (null for one level).</param>
/// <param name="Calibrations">Per level: threshold, held-out (β, α) with intervals, AUC and ROC curve.</param>
/// <param name="SingleLevel">The level-0 detector on every chunk.</param>
/// <param name="Cascade">The cascade.</param>
public sealed record CascadeImageResult(long Chunks, int ChildrenPerParent, double Prevalence, IndependenceCheck? Independence,
    IReadOnlyList<LevelCalibration> Calibrations, RunSummary SingleLevel, RunSummary Cascade)
{
    /// <summary>Measured cascade calls over single-level calls.</summary>
    public double CallRatio => (double)Cascade.TotalCalls / SingleLevel.TotalCalls;

    /// <summary>Measured cascade time over single-level time.</summary>
    public double TimeRatio => Cascade.Seconds / SingleLevel.Seconds;
}

/// <summary>
/// A real cascade on an annotated image (cascade.md §3): detectors of one kind are trained per level on
/// half of the image (split by top-level chunk), thresholded for the target TPR on the other half, then
/// the single-level detector and the cascade run on the whole image; accuracy is measured on the
/// held-out half. Compare the measured (β, α, calls) with <c>CascadeAnalysis.Analyze</c>'s prediction.
/// </summary>
public static class CascadeImageRun
{
    /// <summary>Trains, calibrates, runs and scores.</summary>
    /// <param name="pyramid">Image pyramid, level 0 first, at least <see cref="CascadeImageOptions.Levels"/> levels, factor <paramref name="factor"/>.</param>
    /// <param name="factor">The pyramid's factor r.</param>
    /// <param name="mask">The level-0 object mask (non-zero = object).</param>
    /// <param name="labels">Level-0 instance labels for object-level F1, or null.</param>
    /// <param name="options">Options.</param>
    /// <param name="seed">Seed of the split and of training.</param>
    /// <param name="progress">Progress sink, or null.</param>
    public static CascadeImageResult Run(IReadOnlyList<Volume<float>> pyramid, int factor, Volume<byte> mask, Volume<uint>? labels,
        CascadeImageOptions options, int seed, IProgress<ProgressUpdate>? progress = null)
    {
        int levels = options.Levels;
        if (levels < 1 || pyramid.Count < levels)
            throw new ArgumentException($"need {levels} pyramid levels, have {pyramid.Count}.", nameof(pyramid));
        var level0 = pyramid[0];
        var size = Enumerable.Repeat(options.ChunkSize, level0.Dimensions).ToArray();
        var grid = ChunkGrid.For(level0, size, levels, factor);
        var truth = ChunkTruth.FromMask(mask, grid, options.MinVoxels);
        var masks = Pyramid.BuildLabels(mask, levels, LabelReduction.Any, factor);
        var split = CascadeTraining.Split(grid, seed);

        var stages = new List<CascadeStage>();
        var calibrations = new List<LevelCalibration>();
        for (int k = 0; k < levels; k++)
        {
            progress?.Report(new ProgressUpdate("training detectors", k, levels, "levels"));
            var detector = ChunkDetectors.Create(options.Detector);
            detector.Train(CascadeTraining.Examples(pyramid[k], masks[k], grid, truth, split[k].Train), seed + k);
            var calibration = CascadeTraining.Calibrate(detector, pyramid[k], grid, truth, split[k].HeldOut, options.TargetTpr);
            calibrations.Add(calibration);
            stages.Add(new CascadeStage(detector, calibration.Threshold));
        }
        progress?.Report(new ProgressUpdate("training detectors", levels, levels, "levels"));

        try
        {
            var runOptions = new CascadeRunOptions { BatchSize = options.BatchSize };
            var heldOut = split[0].HeldOut.ToHashSet();
            var single = CascadeExecutor.RunSingleLevel(level0, grid, stages[0], runOptions);
            var cascade = CascadeExecutor.Run(pyramid, grid, stages, runOptions);
            return new CascadeImageResult(grid.ChunkCount(0), grid.ChildrenPerParent, truth.Prevalence,
                levels > 1 ? CascadeEvaluation.Independence(truth) : null, calibrations,
                Summarise(single, level0, grid, truth, heldOut, stages[0].Detector, mask, labels, options),
                Summarise(cascade, level0, grid, truth, heldOut, stages[0].Detector, mask, labels, options));
        }
        finally
        {
            // The CNN holds native tensors; release them now rather than at finalisation.
            foreach (var stage in stages) (stage.Detector as IDisposable)?.Dispose();
        }
    }

    private static RunSummary Summarise(CascadeRun run, Volume<float> level0, ChunkGrid grid, ChunkTruth truth, HashSet<ChunkIndex> heldOut,
        IChunkDetector detector, Volume<byte> mask, Volume<uint>? labels, CascadeImageOptions options)
    {
        var chunks = CascadeEvaluation.Chunks(run, truth, heldOut);
        double? dice = null, iou = null, f1 = null;
        if (detector is IPixelDetector pixels)
        {
            var segmentation = CascadeEvaluation.Segmentation(run, level0, grid, pixels);
            (dice, iou) = CascadeEvaluation.Overlaps(segmentation, mask);
            if (labels is not null) f1 = CascadeEvaluation.Objects(segmentation, labels, options.MatchRadius).F1;
        }
        return new RunSummary(run.Levels, run.TotalCalls, run.TotalSeconds, chunks, dice, iou, f1);
    }
}
