using NeuroLens.Cascade.Analysis;

namespace NeuroLens.Cascade.Execution;

/// <summary>
/// The closed-form prediction (<see cref="CascadeAnalysis"/>) for a measured image run, so predicted and
/// measured calls and time can stand side by side: the measured level-0 prevalence p, each level's
/// held-out (β, α) at its threshold, and per-call costs c_k measured as the level's detector seconds per
/// call (level 0 from the single-level run, which calls it on every chunk; coarser levels from the
/// cascade). The prediction assumes i.i.d. chunk labels; see <see cref="CascadeImageResult.Independence"/>
/// for how far the image departs from that.
/// </summary>
public static class CascadePrediction
{
    /// <summary>The predicted comparison of the cascade of <paramref name="result"/> with its single-level detector.</summary>
    /// <param name="result">A measured run.</param>
    /// <param name="dimensions">2 or 3.</param>
    /// <param name="factor">The pyramid factor r.</param>
    public static CascadeComparison Of(CascadeImageResult result, int dimensions, int factor)
    {
        var levels = result.Calibrations.Select((c, k) =>
            new CascadeLevel(c.Point.Tpr.Estimate, c.Point.Fpr.Estimate, CostPerCall(result, k))).ToList();
        return CascadeAnalysis.Analyze(new CascadeModel(dimensions, factor, result.Prevalence, levels, result.Chunks));
    }

    private static double CostPerCall(CascadeImageResult result, int level)
    {
        var run = level == 0 ? result.SingleLevel : result.Cascade;
        var accounting = run.Levels.FirstOrDefault(a => a.Level == level);
        // A level that made no call has no measured cost; any positive cost then predicts the same calls.
        return accounting is { Calls: > 0, Seconds: > 0 } ? accounting.Seconds / accounting.Calls : 1;
    }
}
