using System.Diagnostics;
using NeuroLens.Cascade.Detectors;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Cascade.Execution;

/// <summary>The detector of one cascade level and its threshold (score ≥ threshold is a positive call).</summary>
/// <param name="Detector">The trained detector for this level.</param>
/// <param name="Threshold">The score threshold.</param>
public sealed record CascadeStage(IChunkDetector Detector, double Threshold);

/// <summary>Options of <see cref="CascadeExecutor"/>.</summary>
public sealed record CascadeRunOptions
{
    /// <summary>Chunks scored per detector call batch; batching amortises per-call overhead.</summary>
    public int BatchSize { get; init; } = 256;
}

/// <summary>What one level of a run cost.</summary>
/// <param name="Level">The pyramid level k.</param>
/// <param name="Calls">Chunks the level's detector scored.</param>
/// <param name="Positives">Chunks it called positive.</param>
/// <param name="Batches">Detector invocations (batches).</param>
/// <param name="Seconds">Wall time spent in the detector at this level.</param>
public sealed record LevelAccounting(int Level, long Calls, long Positives, long Batches, double Seconds);

/// <summary>The outcome of a cascade or single-level run.</summary>
/// <param name="Positives">Level-0 chunks reported positive, in raster order.</param>
/// <param name="Levels">Per-level accounting, level 0 first (one entry for a single-level run).</param>
public sealed record CascadeRun(IReadOnlyList<ChunkIndex> Positives, IReadOnlyList<LevelAccounting> Levels)
{
    /// <summary>Detector calls over all levels.</summary>
    public long TotalCalls => Levels.Sum(l => l.Calls);

    /// <summary>Detector wall time over all levels, in seconds.</summary>
    public double TotalSeconds => Levels.Sum(l => l.Seconds);
}

/// <summary>
/// Runs a cascade on an image pyramid (cascade.md §1, §3): the top level's detector scores every chunk of
/// its level; the children of each chunk called positive are scored at the level below; a level-0 chunk is
/// reported only when it and all its ancestors were called positive (AND rule). Calls and wall time are
/// counted per level, so the measured figures compare directly with the closed-form expectations
/// (<c>CascadeAnalysis.Analyze</c>: E[calls at level k] = n_k·π_k).
/// </summary>
public static class CascadeExecutor
{
    /// <summary>Runs the cascade whose levels are <paramref name="stages"/> (stage k at pyramid level k; the top is the last).</summary>
    /// <param name="pyramid">Pyramid levels, level 0 first, at least <c>stages.Count</c> of them.</param>
    /// <param name="grid">The aligned chunk grid over the pyramid.</param>
    /// <param name="stages">One (detector, threshold) per level used, level 0 first.</param>
    /// <param name="options">Batching options.</param>
    public static CascadeRun Run(IReadOnlyList<Volume<float>> pyramid, ChunkGrid grid, IReadOnlyList<CascadeStage> stages, CascadeRunOptions? options = null)
    {
        options ??= new();
        if (stages.Count == 0) throw new ArgumentException("a cascade needs at least one stage.", nameof(stages));
        if (stages.Count > grid.Levels || stages.Count > pyramid.Count)
            throw new ArgumentException($"{stages.Count} stages but the grid has {grid.Levels} and the pyramid {pyramid.Count} levels.", nameof(stages));
        int top = stages.Count - 1;
        var accounting = new LevelAccounting[stages.Count];
        IReadOnlyList<ChunkIndex> candidates = grid.Chunks(top).ToList();
        for (int k = top; k >= 0; k--)
        {
            var (positive, account) = Classify(pyramid[k], grid, candidates, stages[k], k, options.BatchSize);
            accounting[k] = account;
            candidates = k == 0 ? positive : positive.SelectMany(grid.Children).ToList();
        }
        return new CascadeRun(Sorted(grid, candidates), accounting);
    }

    /// <summary>The single-level detector: <paramref name="stage"/> on every level-0 chunk.</summary>
    /// <param name="level0">The full-resolution image.</param>
    /// <param name="grid">The chunk grid.</param>
    /// <param name="stage">The level-0 detector and threshold.</param>
    /// <param name="options">Batching options.</param>
    public static CascadeRun RunSingleLevel(Volume<float> level0, ChunkGrid grid, CascadeStage stage, CascadeRunOptions? options = null)
    {
        options ??= new();
        var (positive, account) = Classify(level0, grid, grid.Chunks(0).ToList(), stage, 0, options.BatchSize);
        return new CascadeRun(positive, [account]);
    }

    private static (List<ChunkIndex> Positive, LevelAccounting Account) Classify(
        Volume<float> level, ChunkGrid grid, IReadOnlyList<ChunkIndex> chunks, CascadeStage stage, int k, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var positive = new List<ChunkIndex>();
        long batches = 0;
        var clock = new Stopwatch();
        for (int start = 0; start < chunks.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, chunks.Count - start);
            var boxes = new Box[count];
            for (int i = 0; i < count; i++) boxes[i] = grid.ChunkBox(chunks[start + i]);
            clock.Start();
            var scores = stage.Detector.Score(level, boxes);
            clock.Stop();
            batches++;
            for (int i = 0; i < count; i++)
                if (scores[i] >= stage.Threshold) positive.Add(chunks[start + i]);
        }
        return (positive, new LevelAccounting(k, chunks.Count, positive.Count, batches, clock.Elapsed.TotalSeconds));
    }

    private static List<ChunkIndex> Sorted(ChunkGrid grid, IReadOnlyList<ChunkIndex> chunks) =>
        chunks.OrderBy(c => ChunkTruth.Index(grid, c)).ToList();
}
