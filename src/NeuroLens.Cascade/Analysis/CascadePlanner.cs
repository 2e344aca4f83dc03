using NeuroLens.Core;

namespace NeuroLens.Cascade.Analysis;

/// <summary>One point of a detector's ROC curve: the score threshold and the (β, α) it gives.</summary>
/// <param name="Threshold">The score threshold (a chunk is called positive when its score reaches it).</param>
/// <param name="Tpr">β at this threshold.</param>
/// <param name="Fpr">α at this threshold.</param>
public sealed record OperatingPoint(double Threshold, double Tpr, double Fpr);

/// <summary>The accuracy a plan is constrained or judged by.</summary>
public enum PlanAccuracy
{
    /// <summary>The cascade's chunk-level TPR, ∏ β_k.</summary>
    Tpr,
    /// <summary>The cascade's chunk-level F1 (see <see cref="CascadeMetrics.F1"/>).</summary>
    F1,
}

/// <summary>What the planner chooses from.</summary>
/// <param name="Dimensions">d.</param>
/// <param name="Factor">r.</param>
/// <param name="Prevalence">p.</param>
/// <param name="Roc">Per-level ROC curves, level 0 first: <c>Roc[k]</c> lists level k's operating points.</param>
/// <param name="Costs">Per-call cost c_k of each level, level 0 first; same count as <paramref name="Roc"/>.</param>
/// <param name="Chunks">n, the number of level-0 chunks.</param>
/// <param name="MaxLevels">The most levels a plan may use (0: all of <paramref name="Roc"/>).</param>
public sealed record CascadePlanProblem(int Dimensions, int Factor, double Prevalence,
    IReadOnlyList<IReadOnlyList<OperatingPoint>> Roc, IReadOnlyList<double> Costs, long Chunks = 1_000_000, int MaxLevels = 0);

/// <summary>The planner's choice.</summary>
/// <param name="Levels">Number of levels used: levels 0 … Levels − 1 (1 is the single-level detector).</param>
/// <param name="OperatingPoints">The chosen point of each used level, level 0 first.</param>
/// <param name="Model">The cascade model of the choice.</param>
/// <param name="Metrics">Its closed-form metrics.</param>
/// <param name="TimeRatio">Expected time over the single-level time c_0·n (NaN when c_0 = 0).</param>
/// <param name="Evaluated">Complete plans evaluated by the search (the rest were pruned).</param>
public sealed record CascadePlan(int Levels, IReadOnlyList<OperatingPoint> OperatingPoints, CascadeModel Model,
    CascadeMetrics Metrics, double TimeRatio, long Evaluated);

/// <summary>
/// The cascade planner: the number of levels and each level's operating point that minimise expected time
/// subject to a minimum TPR or F1, or that maximise TPR or F1 within a time budget (cascade.md §2).
/// </summary>
/// <remarks>
/// <para>A plan with m levels uses levels 0 … m − 1 of the problem (a cascade always ends at full
/// resolution and does not skip levels); m runs from 1 to <see cref="CascadePlanProblem.MaxLevels"/>.</para>
/// <para><b>Search.</b> Exhaustive depth-first search over the product of the operating points, assigning
/// the coarsest level first, with two exact pruning bounds: (1) time — the calls at level k depend only on
/// the levels above k, so once levels ≥ j are assigned the terms c_k·calls_k for k ≥ j − 1 are known and,
/// all terms being non-negative, their sum is a lower bound on the plan's time; (2) accuracy — TPR ≤
/// ∏(chosen β) · ∏(largest β of each unassigned level), and F1 ≤ 2·TPR/(TPR + 1) (F1 at FPR = 0). Neither
/// bound ever removes a plan that could beat the incumbent, so the result equals brute force. Complexity:
/// Σ_m ∏_{k&lt;m} |ROC_k| leaves in the worst case, O(m²) work per node; pruning typically removes most.
/// Ties: the first plan found with the best objective is kept, fewer levels first.</para>
/// </remarks>
public static class CascadePlanner
{
    /// <summary>The fastest plan whose accuracy reaches <paramref name="minimum"/>.</summary>
    /// <param name="problem">The curves, costs and model parameters.</param>
    /// <param name="accuracy">Which accuracy the constraint is on.</param>
    /// <param name="minimum">The minimum TPR or F1.</param>
    /// <returns>The plan, or null when no plan reaches the minimum.</returns>
    public static CascadePlan? Fastest(CascadePlanProblem problem, PlanAccuracy accuracy, double minimum) =>
        Search(problem, accuracy, minimum, double.PositiveInfinity, minimiseTime: true);

    /// <summary>The most accurate plan whose expected time is at most <paramref name="timeBudget"/>.</summary>
    /// <param name="problem">The curves, costs and model parameters.</param>
    /// <param name="accuracy">Which accuracy to maximise.</param>
    /// <param name="timeBudget">The largest admissible expected time Σ c_k·calls_k (single level: c_0·n).</param>
    /// <returns>The plan (ties broken by lower time), or null when no plan fits the budget.</returns>
    public static CascadePlan? MostAccurate(CascadePlanProblem problem, PlanAccuracy accuracy, double timeBudget) =>
        Search(problem, accuracy, double.NegativeInfinity, timeBudget, minimiseTime: false);

    private static CascadePlan? Search(CascadePlanProblem problem, PlanAccuracy accuracy, double minimum, double budget, bool minimiseTime)
    {
        int maxLevels = Validate(problem);
        var state = new SearchState(problem, accuracy, minimum, budget, minimiseTime);
        for (int m = 1; m <= maxLevels; m++)
        {
            var levels = new CascadeLevel[m];
            for (int k = 0; k < m; k++) levels[k] = new CascadeLevel(1, 1, problem.Costs[k]);
            var model = new CascadeModel(problem.Dimensions, problem.Factor, problem.Prevalence, levels, problem.Chunks);
            model.Validate();
            state.Descend(model, levels, new OperatingPoint[m], m - 1);
        }
        return state.Best;
    }

    private static int Validate(CascadePlanProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Roc is null || problem.Roc.Count == 0)
            throw new NeuroLensException("cascade planner: at least one level's ROC curve is needed.");
        if (problem.Costs is null || problem.Costs.Count != problem.Roc.Count)
            throw new NeuroLensException($"cascade planner: {problem.Costs?.Count ?? 0} costs for {problem.Roc.Count} levels; give one cost per level.");
        for (int k = 0; k < problem.Roc.Count; k++)
        {
            if (problem.Roc[k] is null || problem.Roc[k].Count == 0)
                throw new NeuroLensException($"cascade planner: level {k} has no operating points.");
            foreach (var point in problem.Roc[k])
                if (!(point.Tpr >= 0 && point.Tpr <= 1 && point.Fpr >= 0 && point.Fpr <= 1))
                    throw new NeuroLensException($"cascade planner: level {k} threshold {point.Threshold}: TPR and FPR must be in [0, 1], got {point.Tpr} and {point.Fpr}.");
        }
        if (problem.MaxLevels < 0 || problem.MaxLevels > problem.Roc.Count)
            throw new NeuroLensException($"cascade planner: max levels must be between 0 (all) and {problem.Roc.Count}, got {problem.MaxLevels}.");
        return problem.MaxLevels == 0 ? problem.Roc.Count : problem.MaxLevels;
    }

    private sealed class SearchState(CascadePlanProblem problem, PlanAccuracy accuracy, double minimum, double budget, bool minimiseTime)
    {
        private readonly double[] _maxTpr = problem.Roc.Select(curve => curve.Max(point => point.Tpr)).ToArray();
        private double _bestTime = double.PositiveInfinity, _bestAccuracy = double.NegativeInfinity;
        private long _evaluated;
        private CascadePlan? _best;

        public CascadePlan? Best => _best is null ? null : _best with { Evaluated = _evaluated };

        // Assigns level `level` and, recursively, the levels below it; levels above are assigned.
        public void Descend(CascadeModel model, CascadeLevel[] levels, OperatingPoint[] chosen, int level)
        {
            foreach (var point in problem.Roc[level])
            {
                levels[level] = levels[level] with { Tpr = point.Tpr, Fpr = point.Fpr };
                chosen[level] = point;
                if (Pruned(model, levels, level)) continue;
                if (level > 0)
                {
                    Descend(model, levels, chosen, level - 1);
                    continue;
                }
                _evaluated++;
                var metrics = CascadeAnalysis.Cascade(model);
                double score = Score(metrics.Tpr, metrics.F1);
                if (double.IsNaN(score) || score < minimum || metrics.ExpectedTime > budget) continue;
                bool better = minimiseTime
                    ? metrics.ExpectedTime < _bestTime
                    : score > _bestAccuracy || (score == _bestAccuracy && metrics.ExpectedTime < _bestTime);
                if (!better) continue;
                _bestTime = metrics.ExpectedTime;
                _bestAccuracy = score;
                double single = problem.Costs[0] * (double)problem.Chunks;
                _best = new CascadePlan(levels.Length, [.. chosen], model with { Levels = [.. levels] }, metrics,
                    single > 0 ? metrics.ExpectedTime / single : double.NaN, 0);
            }
        }

        private double Score(double tpr, double f1) => accuracy == PlanAccuracy.Tpr ? tpr : f1;

        // True when no completion of the levels ≥ `level` can be feasible and beat the incumbent.
        private bool Pruned(CascadeModel model, CascadeLevel[] levels, int level)
        {
            double tprBound = 1;
            for (int k = 0; k < levels.Length; k++) tprBound *= k >= level ? levels[k].Tpr : _maxTpr[k];
            double accuracyBound = accuracy == PlanAccuracy.Tpr ? tprBound : 2 * tprBound / (tprBound + 1);
            if (accuracyBound < minimum) return true;
            double timeBound = 0;
            for (int k = Math.Max(0, level - 1); k < levels.Length; k++)
                timeBound += levels[k].Cost * model.Chunks / model.ChunkSize(k) * CascadeAnalysis.ExaminedProbability(model with { Levels = levels }, k);
            if (timeBound > budget) return true;
            return minimiseTime
                ? timeBound >= _bestTime
                : accuracyBound < _bestAccuracy || (accuracyBound == _bestAccuracy && timeBound >= _bestTime);
        }
    }
}
