using NeuroLens.Cascade.Detectors;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Filters;
using NeuroLens.Imaging.Metrics;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Cascade.Execution;

/// <summary>Chunk-level confusion counts of a run's level-0 output against the truth.</summary>
/// <param name="TruePositives">Positive chunks reported.</param>
/// <param name="FalsePositives">Negative chunks reported.</param>
/// <param name="FalseNegatives">Positive chunks missed.</param>
/// <param name="TrueNegatives">Negative chunks not reported.</param>
public sealed record ChunkMetrics(long TruePositives, long FalsePositives, long FalseNegatives, long TrueNegatives)
{
    /// <summary>TPR (recall) = TP / (TP + FN); 1 when there are no positives.</summary>
    public double Tpr => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>FPR = FP / (FP + TN); 0 when there are no negatives.</summary>
    public double Fpr => FalsePositives + TrueNegatives == 0 ? 0 : (double)FalsePositives / (FalsePositives + TrueNegatives);

    /// <summary>Precision (PPV) = TP / (TP + FP); 1 when nothing is reported.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>F1 = 2TP / (2TP + FP + FN); 1 when there is nothing to find and nothing is reported.</summary>
    public double F1 => TruePositives + FalsePositives + FalseNegatives == 0 ? 1
        : 2.0 * TruePositives / (2 * TruePositives + FalsePositives + FalseNegatives);
}

/// <summary>
/// How far the level-0 chunk labels depart from the i.i.d. Bernoulli(p) model of cascade.md §1, measured
/// through the quantity the cascade's cost depends on: the number of positive level-1 parents. Under
/// independence a parent with c children is positive with probability 1 − (1 − p)^c; objects that cluster
/// put many positive children under few parents, so the observed count falls below the expected one.
/// </summary>
/// <param name="Prevalence">Empirical p: positive level-0 chunks over all level-0 chunks.</param>
/// <param name="ObservedParents">Positive level-1 chunks.</param>
/// <param name="ExpectedParents">Σ over level-1 chunks of 1 − (1 − p)^{c_j}, c_j its number of children.</param>
/// <param name="ExpectedStandardError">√Σ q_j(1 − q_j): the standard deviation of the count under independence.</param>
public sealed record IndependenceCheck(double Prevalence, long ObservedParents, double ExpectedParents, double ExpectedStandardError)
{
    /// <summary>Observed / expected positive parents: 1 under independence, below 1 when objects cluster, above when they repel.</summary>
    public double Ratio => ExpectedParents == 0 ? double.NaN : ObservedParents / ExpectedParents;

    /// <summary>(observed − expected) / standard error: how many standard errors the data lies from independence.</summary>
    public double ZScore => ExpectedStandardError == 0 ? 0 : (ObservedParents - ExpectedParents) / ExpectedStandardError;
}

/// <summary>Accuracy of a run against the truth (cascade.md §3 metrics).</summary>
public static class CascadeEvaluation
{
    /// <summary>Chunk-level TP/FP/FN/TN of the reported level-0 chunks.</summary>
    /// <param name="run">The run.</param>
    /// <param name="truth">The chunk truth on the same grid.</param>
    /// <param name="among">Only these level-0 chunks are scored (e.g. the held-out half); null = all.</param>
    public static ChunkMetrics Chunks(CascadeRun run, ChunkTruth truth, IReadOnlySet<ChunkIndex>? among = null)
    {
        long tp = 0, fp = 0;
        foreach (var chunk in run.Positives)
            if (among is null || among.Contains(chunk)) { if (truth[chunk]) tp++; else fp++; }
        long positives = among is null ? truth.Positives(0) : among.LongCount(c => truth[c]);
        long all = among is null ? truth.Grid.ChunkCount(0) : among.Count;
        return new ChunkMetrics(tp, fp, positives - tp, all - positives - fp);
    }

    /// <summary>
    /// The segmentation a run implies: the level-0 detector's pixel output (probability ≥ 0.5) inside the
    /// reported chunks, background elsewhere.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="level0">The full-resolution image.</param>
    /// <param name="grid">The chunk grid.</param>
    /// <param name="detector">The level-0 detector that yields pixel probabilities.</param>
    public static Volume<byte> Segmentation(CascadeRun run, Volume<float> level0, ChunkGrid grid, IPixelDetector detector)
    {
        var mask = new Volume<byte>(level0.Depth, level0.Height, level0.Width, 1, level0.Dimensions);
        foreach (var chunk in run.Positives)
        {
            var box = grid.ChunkBox(chunk);
            var probability = detector.PixelProbabilities(level0, box);
            var piece = new Volume<byte>(box.Depth, box.Height, box.Width, 1, level0.Dimensions);
            for (int i = 0; i < piece.Data.Length; i++) piece.Data[i] = probability.Data[i] >= 0.5f ? (byte)1 : (byte)0;
            mask.Paste(piece, box.Z0, box.Y0, box.X0);
        }
        return mask;
    }

    /// <summary>Dice and IoU of a binary segmentation against the truth mask (non-zero = foreground).</summary>
    /// <param name="segmentation">The predicted mask.</param>
    /// <param name="truth">The truth mask, same shape.</param>
    public static (double Dice, double IoU) Overlaps(Volume<byte> segmentation, Volume<byte> truth)
    {
        var binary = new Volume<byte>(truth.Depth, truth.Height, truth.Width, 1, truth.Dimensions);
        for (int i = 0; i < binary.Data.Length; i++) binary.Data[i] = truth.Data[i] != 0 ? (byte)1 : (byte)0;
        return (Overlap.Dice(segmentation, binary), Overlap.IoU(segmentation, binary));
    }

    /// <summary>
    /// Object-level detection: connected components of <paramref name="segmentation"/> matched to the
    /// truth objects by centroid distance within <paramref name="radius"/> voxels (one-to-one).
    /// </summary>
    /// <param name="segmentation">The predicted binary mask.</param>
    /// <param name="labels">Truth instance labels, 0 = background.</param>
    /// <param name="radius">Largest centroid distance of a match, in voxels.</param>
    public static DetectionScore Objects(Volume<byte> segmentation, Volume<uint> labels, double radius)
    {
        var components = ConnectedComponents.Label(segmentation, out _);
        return DetectionMatching.Match(Centroids.Of(components), Centroids.Of(labels), radius);
    }

    /// <summary>The departure from independence of <paramref name="truth"/>'s level-0 labels (needs ≥ 2 grid levels).</summary>
    /// <param name="truth">Chunk truth on a grid of at least two levels.</param>
    public static IndependenceCheck Independence(ChunkTruth truth)
    {
        var grid = truth.Grid;
        if (grid.Levels < 2) throw new ArgumentException("the independence check needs a grid of at least two levels.", nameof(truth));
        double p = truth.Prevalence, expected = 0, variance = 0;
        foreach (var parent in grid.Chunks(1))
        {
            double q = 1 - Math.Pow(1 - p, grid.Children(parent).Count);
            expected += q;
            variance += q * (1 - q);
        }
        return new IndependenceCheck(p, truth.Positives(1), expected, Math.Sqrt(variance));
    }
}
