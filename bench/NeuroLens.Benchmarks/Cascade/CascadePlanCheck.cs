using System.Diagnostics;
using System.Globalization;
using NeuroLens.Cascade.Analysis;
using NeuroLens.Cascade.Execution;
using NeuroLens.Core.Runtime;

namespace NeuroLens.Benchmarks.Cascade;

/// <summary>
/// The planner's predicted against measured wall time (<c>cascade-plan</c> on the command line). For each
/// shape and detector of <see cref="CascadeBenchmarks"/>: the per-call cost c_k of each level is measured
/// by scoring all its chunks (median of 3 timed passes, after one untimed pass); <see cref="CascadePlanner.Fastest"/>
/// picks the number of levels (1 or 2) and the thresholds on the held-out ROC curves that minimise
/// expected time subject to cascade TPR ≥ 0.9, for the image's n and measured prevalence; the planned
/// cascade then runs on the whole image (median of 3, after one untimed run). Printed as a Markdown table: the single-level
/// detector's throughput (level-0 voxels over c₀·n), the planned cascade's (level-0 voxels over its
/// measured detector time), predicted and measured detector seconds, predicted and measured calls.
/// </summary>
internal static class CascadePlanCheck
{
    public static void Run(TextWriter output, IReadOnlyList<string> shapes)
    {
        ComputeSettings.Configure(null, "cpu");
        output.WriteLine("| shape | detector | single-level MVox/s | cascade MVox/s | plan levels | c₀ (ms/call) | c₁ (ms/call) | predicted calls | measured calls | predicted time (s) | measured time (s) | measured / predicted |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string shape in shapes)
            foreach (string detector in new[] { "intensity", "forest", "cnn" })
            {
                using var task = new CascadeBenchTask(shape, detector);
                var costs = Enumerable.Range(0, CascadeBenchTask.Levels).Select(k => CostPerCall(task, k)).ToArray();
                var roc = task.Calibrations.Select(c => (IReadOnlyList<OperatingPoint>)Thin(c.Curve.Select(p => new OperatingPoint(p.Threshold, p.Tpr, p.Fpr)).ToList())).ToList();
                var problem = new CascadePlanProblem(task.Grid.Dimensions, task.Grid.Factor, task.Truth.Prevalence, roc, costs, task.Grid.ChunkCount(0));
                var plan = CascadePlanner.Fastest(problem, PlanAccuracy.Tpr, 0.9)
                    ?? throw new InvalidOperationException($"{shape} {detector}: no plan reaches TPR 0.9.");
                var stages = plan.OperatingPoints.Select((p, k) => task.Stages[k] with { Threshold = p.Threshold }).ToList();
                CascadeExecutor.Run(task.Pyramid, task.Grid, stages); // warm-up
                var runs = Enumerable.Range(0, 3).Select(_ => CascadeExecutor.Run(task.Pyramid, task.Grid, stages)).ToList();
                double measured = Median(runs.Select(r => r.TotalSeconds));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {shape} | {detector} | {task.Voxels / (costs[0] * task.Grid.ChunkCount(0)) / 1e6:F2} | {task.Voxels / measured / 1e6:F2} | {plan.Levels} | {1e3 * costs[0]:F3} | {1e3 * costs[1]:F3} | {plan.Metrics.TotalCalls:F0} | {runs[0].TotalCalls} | {plan.Metrics.ExpectedTime:F3} | {measured:F3} | {measured / plan.Metrics.ExpectedTime:F2} |"));
                output.Flush();
            }
    }

    private static double CostPerCall(CascadeBenchTask task, int level)
    {
        var boxes = task.Grid.Chunks(level).Select(task.Grid.ChunkBox).ToList();
        var detector = task.Stages[level].Detector;
        // Warm-up: one whole untimed pass, so that the timed passes run fully optimised code (tiered JIT
        // promotes hot methods late on a loaded machine; a short warm-up left level 0, timed first, several
        // times slower than level 1 on chunks of the same size).
        foreach (var batch in boxes.Chunk(256)) detector.Score(task.Pyramid[level], batch);
        var times = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            // Batches of 256, as the executor calls it.
            foreach (var batch in boxes.Chunk(256)) detector.Score(task.Pyramid[level], batch);
            times.Add(watch.Elapsed.TotalSeconds / boxes.Count);
        }
        return Median(times);
    }

    // At most 200 points of a curve, evenly spaced along it, keeping both ends.
    private static List<OperatingPoint> Thin(List<OperatingPoint> curve)
    {
        if (curve.Count <= 200) return curve;
        return Enumerable.Range(0, 200).Select(i => curve[(int)Math.Round(i * (curve.Count - 1) / 199.0)]).Distinct().ToList();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
