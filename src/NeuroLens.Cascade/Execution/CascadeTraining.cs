using NeuroLens.Cascade.Detectors;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Cascade.Execution;

/// <summary>A detector's calibration on held-out chunks of one level.</summary>
/// <param name="Level">The pyramid level.</param>
/// <param name="Detector">The detector's name.</param>
/// <param name="Threshold">The threshold chosen for the target TPR.</param>
/// <param name="Point">β and α with Wilson 95 % intervals at that threshold, on the held-out chunks.</param>
/// <param name="Auc">Area under the held-out ROC curve.</param>
/// <param name="Curve">The held-out ROC curve.</param>
public sealed record LevelCalibration(int Level, string Detector, double Threshold, MeasuredOperatingPoint Point, double Auc, IReadOnlyList<RocPoint> Curve);

/// <summary>
/// Training and calibration of per-level detectors from annotated chunks. The image is split into a
/// training and a held-out half by top-level chunk, so the halves are the same region at every level
/// and no held-out chunk shares an ancestor with a training chunk.
/// </summary>
public static class CascadeTraining
{
    /// <summary>Splits the chunks of every level: each top-level chunk goes to one half at random (seeded), its descendants with it.</summary>
    /// <param name="grid">The chunk grid.</param>
    /// <param name="seed">Seed of the split.</param>
    /// <returns>Per level (level 0 first), the training and the held-out chunks.</returns>
    public static IReadOnlyList<(IReadOnlyList<ChunkIndex> Train, IReadOnlyList<ChunkIndex> HeldOut)> Split(ChunkGrid grid, int seed)
    {
        int top = grid.Levels - 1;
        var rng = new Random(seed);
        var topChunks = grid.Chunks(top).ToList();
        var order = topChunks.Select(_ => rng.NextDouble()).ToArray();
        var ranked = Enumerable.Range(0, topChunks.Count).OrderBy(i => order[i]).ToArray();
        var train = new HashSet<ChunkIndex>(ranked.Take((topChunks.Count + 1) / 2).Select(i => topChunks[i]));
        var result = new List<(IReadOnlyList<ChunkIndex>, IReadOnlyList<ChunkIndex>)>();
        for (int k = 0; k <= top; k++)
        {
            var all = grid.Chunks(k).ToList();
            result.Add((all.Where(c => train.Contains(grid.Ancestor(c, top))).ToList(), all.Where(c => !train.Contains(grid.Ancestor(c, top))).ToList()));
        }
        return result;
    }

    /// <summary>Annotated examples of <paramref name="chunks"/> (all on one level).</summary>
    /// <param name="level">The pyramid level image.</param>
    /// <param name="mask">The object mask at that level (for pixel classifiers), or null.</param>
    /// <param name="grid">The chunk grid.</param>
    /// <param name="truth">Chunk truth on the grid.</param>
    /// <param name="chunks">The chunks.</param>
    public static IReadOnlyList<ChunkExample> Examples(Volume<float> level, Volume<byte>? mask, ChunkGrid grid, ChunkTruth truth, IEnumerable<ChunkIndex> chunks) =>
        chunks.Select(c => new ChunkExample(level, grid.ChunkBox(c), truth[c], mask)).ToList();

    /// <summary>Scores the held-out chunks, draws the ROC curve and picks the threshold for <paramref name="targetTpr"/>.</summary>
    /// <param name="detector">The trained detector.</param>
    /// <param name="level">The pyramid level image.</param>
    /// <param name="grid">The chunk grid.</param>
    /// <param name="truth">Chunk truth on the grid.</param>
    /// <param name="heldOut">Held-out chunks of one level.</param>
    /// <param name="targetTpr">Minimum β on the held-out chunks.</param>
    public static LevelCalibration Calibrate(IChunkDetector detector, Volume<float> level, ChunkGrid grid, ChunkTruth truth, IReadOnlyList<ChunkIndex> heldOut, double targetTpr)
    {
        if (heldOut.Count == 0) throw new ArgumentException("no held-out chunks to calibrate on.", nameof(heldOut));
        var scores = detector.Score(level, heldOut.Select(grid.ChunkBox).ToList());
        var labels = heldOut.Select(c => truth[c]).ToArray();
        double threshold = Roc.ThresholdForTpr(scores, labels, targetTpr);
        bool bothClasses = labels.Any(l => l) && labels.Any(l => !l);
        return new LevelCalibration(heldOut[0].Level, detector.Name, threshold, Roc.At(scores, labels, threshold),
            bothClasses ? Roc.Auc(scores, labels) : double.NaN, Roc.Curve(scores, labels));
    }
}
