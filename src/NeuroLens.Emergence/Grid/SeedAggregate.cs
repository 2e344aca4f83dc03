using NeuroLens.Core;
using NeuroLens.Emergence.Concepts;
using NeuroLens.Emergence.Sae;

namespace NeuroLens.Emergence.Grid;

/// <summary>
/// Combines the results of one cell's SAEs trained with different seeds (the "several SAE seeds" control of
/// emergence.md §5) into the statistic every emergence table is computed on: the <b>mean over seeds</b>.
/// </summary>
/// <remarks>
/// Per category: S_c, precision and recall are the means over seeds; the shuffled-label null is computed per seed
/// (each SAE against the same label permutations), and the mean is called significant when it exceeds the largest
/// of the seeds' null quantiles, with p the largest of the seeds' p-values (conservative: significant for every
/// seed's null). The best latent and its union are seed 0's (latent numbering is per SAE; decoder cosines and
/// dashboards use seed 0's SAE). SAE quality metrics are the means over seeds; ScoresByTau the means per τ.
/// One seed gives that seed's result unchanged.
/// </remarks>
public static class SeedAggregate
{
    /// <summary>The mean over <paramref name="seeds"/> (the results of one cell, seed index ascending); one seed is returned as is.</summary>
    public static CellResult Mean(IReadOnlyList<CellResult> seeds)
    {
        if (seeds.Count == 0) throw new NeuroLensException("emergence: no SAE seed to aggregate");
        if (seeds.Count == 1) return seeds[0];
        var first = seeds.OrderBy(s => s.Seed).First();
        int categories = first.Scores.Count;
        if (seeds.Any(s => s.Scores.Count != categories))
            throw new NeuroLensException($"emergence: the seeds of {first.Model} step {first.Step} layer {first.Layer} scored different categories");
        var scores = Enumerable.Range(0, categories).Select(c => Mean(seeds.Select(s => s.Scores[c]).ToList(), first.Scores[c])).ToList();
        var q = seeds.Select(s => s.Quality).ToList();
        var quality = new SaeQuality(first.Quality.Tokens, q.Average(x => x.L0), q.Average(x => x.DeadFraction), q.Average(x => x.Fvu),
            q.Average(x => x.ExplainedVariance), q.Average(x => x.Cosine), q.Average(x => x.CeLossRecovered));
        var byTau = new Dictionary<string, double[]>();
        foreach (var tau in first.ScoresByTau.Keys)
        {
            var arrays = seeds.Select(s => s.ScoresByTau.TryGetValue(tau, out var v) ? v : null).ToList();
            if (arrays.Any(a => a is null || a.Length != categories)) continue;
            byTau[tau] = Enumerable.Range(0, categories).Select(c => arrays.Average(a => a![c])).ToArray();
        }
        return new CellResult(first.Model, first.Step, first.Layer, first.Tokens, quality, scores, byTau, seeds.Sum(s => s.Seconds), -1);
    }

    /// <summary>The mean of one category's scores over seeds (see the class remarks); <paramref name="representative"/> gives the latents.</summary>
    public static ConceptScore Mean(IReadOnlyList<ConceptScore> seeds, ConceptScore representative)
    {
        if (seeds.Count == 1) return seeds[0];
        return representative with
        {
            Score = seeds.Average(s => s.Score),
            Precision = seeds.Average(s => s.Precision),
            Recall = seeds.Average(s => s.Recall),
            NullQuantile = seeds.Max(s => s.NullQuantile),
            PValue = seeds.Max(s => s.PValue),
        };
    }
}
