using NeuroLens.Core;
using static TorchSharp.torch;

namespace NeuroLens.Transfer;

/// <summary>
/// Source-free active learning (transfer.md §5): which n patches of an unlabelled target pool to annotate,
/// from the source model's uncertainty scores (<see cref="Uncertainty"/>) and features
/// (<see cref="PatchFeatures"/>) only — never source images. Returns pool indices in pick order, all
/// distinct. Ties are broken by the lower index, so every strategy but <c>Random</c> is deterministic
/// without a seed.
/// </summary>
public static class ActiveSelection
{
    /// <summary>Picks <paramref name="n"/> distinct patches of the pool.</summary>
    /// <param name="strategy">The rule.</param>
    /// <param name="scores">One uncertainty score per pool patch (used by the uncertainty rules).</param>
    /// <param name="features">Pool features <c>[pool, d]</c> (used by core-set and discriminative; may be null for the others).</param>
    /// <param name="n">How many to pick, 1 to the pool size.</param>
    /// <param name="options">Rounds, seed and classifier settings.</param>
    public static int[] Select(SelectionStrategy strategy, IReadOnlyList<double> scores, Tensor? features, int n, SelectionOptions? options = null)
    {
        options ??= new SelectionOptions();
        int pool = scores.Count;
        if (pool == 0) throw new NeuroLensException("active selection: the pool is empty.");
        if (n < 1 || n > pool) throw new NeuroLensException($"active selection: n is {n}, expected 1 to the pool size {pool}.");
        if (options.Rounds < 1) throw new NeuroLensException($"active selection: Rounds is {options.Rounds}, expected at least 1.");
        if (scores.Any(double.IsNaN)) throw new NeuroLensException("active selection: a score is NaN.");
        return strategy switch
        {
            SelectionStrategy.Random => RandomPick(pool, n, options.Seed),
            SelectionStrategy.TopUncertainty => [.. Enumerable.Range(0, pool).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(n)],
            SelectionStrategy.MedianUncertainty => NearestMedian(scores, n),
            SelectionStrategy.CoreSet => CoreSet.Greedy(Rows(features, pool), n),
            SelectionStrategy.Discriminative => DiscriminativeSelection.Select(Rows(features, pool), n, options),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy)),
        };
    }

    /// <summary>The n indices whose score is nearest the median of all scores (mean of the two middle ones for an even pool).</summary>
    internal static int[] NearestMedian(IReadOnlyList<double> scores, int n)
    {
        var sorted = scores.OrderBy(s => s).ToArray();
        int h = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[h] : 0.5 * (sorted[h - 1] + sorted[h]);
        return [.. Enumerable.Range(0, scores.Count).OrderBy(i => Math.Abs(scores[i] - median)).ThenBy(i => i).Take(n)];
    }

    private static int[] RandomPick(int pool, int n, int seed)
    {
        int[] order = [.. Enumerable.Range(0, pool)];
        new Random(seed).Shuffle(order);
        return order[..n];
    }

    /// <summary>Features as double rows, checked against the pool size.</summary>
    internal static double[][] Rows(Tensor? features, int pool)
    {
        if (features is null) throw new NeuroLensException("active selection: this strategy needs the pool's features.");
        if (features.dim() != 2 || features.shape[0] != pool)
            throw new NeuroLensException($"active selection: features are [{string.Join(", ", features.shape)}], expected [{pool}, d] (one row per scored patch).");
        using var d = features.to(float64).cpu().contiguous();
        var flat = d.data<double>().ToArray();
        int dim = (int)features.shape[1];
        if (flat.Any(v => !double.IsFinite(v))) throw new NeuroLensException("active selection: features hold non-finite values.");
        return [.. Enumerable.Range(0, pool).Select(i => flat.AsSpan(i * dim, dim).ToArray())];
    }
}
