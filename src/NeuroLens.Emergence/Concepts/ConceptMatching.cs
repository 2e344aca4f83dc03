using NeuroLens.Core.Statistics;

namespace NeuroLens.Emergence.Concepts;

/// <summary>
/// Latent–concept matching (emergence.md §4): with A_j the positions where latent j is active and T_c
/// those labelled c, P_jc = |A_j ∩ T_c| / |A_j|, R_jc = |A_j ∩ T_c| / |T_c|, F1_jc = 2PR / (P + R)
/// (0 when the intersection is empty); S_c = max_j F1_jc, or the F1 of the union of the top-r latents.
/// Significance: the same S_c after permuting the category labels over positions (one permutation of
/// positions shared by all categories, seeded), with its quantile and a p-value.
/// </summary>
public static class ConceptMatching
{
    /// <summary>|A_j ∩ T_c| for every latent j and category c: [latents, categories] row-major.</summary>
    public static int[] Intersections(ActivePattern pattern, ConceptLabels labels, int[]? permutation = null)
    {
        Check(pattern, labels);
        int categories = labels.CategoryNames.Count;
        var counts = new int[pattern.Latents * categories];
        for (int t = 0; t < pattern.Positions; t++)
        {
            var cats = labels.At(permutation is null ? t : permutation[t]);
            if (cats.IsEmpty) continue;
            foreach (int j in pattern.At(t))
                foreach (int c in cats)
                    counts[j * categories + c]++;
        }
        return counts;
    }

    /// <summary>F1 from counts: 2|A ∩ T| / (|A| + |T|), which equals 2PR / (P + R); 0 when the intersection is empty.</summary>
    public static double F1(int intersection, int active, int labelled) =>
        intersection == 0 ? 0 : 2.0 * intersection / (active + labelled);

    /// <summary>F1_jc for every latent and category: [latents, categories].</summary>
    public static double[,] F1Table(ActivePattern pattern, ConceptLabels labels)
    {
        int categories = labels.CategoryNames.Count;
        var inter = Intersections(pattern, labels);
        var active = pattern.ActiveCounts();
        var table = new double[pattern.Latents, categories];
        for (int j = 0; j < pattern.Latents; j++)
            for (int c = 0; c < categories; c++)
                table[j, c] = F1(inter[j * categories + c], active[j], labels.Counts[c]);
        return table;
    }

    /// <summary>S_c for every category, with the shuffled-label null when <see cref="MatchingOptions.Permutations"/> &gt; 0.</summary>
    public static IReadOnlyList<ConceptScore> Score(ActivePattern pattern, ConceptLabels labels, MatchingOptions? options = null)
    {
        options ??= new MatchingOptions();
        if (options.TopR < 1) throw new NeuroLens.Core.NeuroLensException($"concepts: top-r must be at least 1, got {options.TopR}");
        var active = pattern.ActiveCounts();
        var observed = Scores(pattern, labels, active, null, options.TopR);
        int categories = labels.CategoryNames.Count;
        var nulls = new double[categories][];
        for (int c = 0; c < categories; c++) nulls[c] = new double[options.Permutations];
        var random = new Random(options.Seed);
        var permutation = Enumerable.Range(0, pattern.Positions).ToArray();
        for (int p = 0; p < options.Permutations; p++)
        {
            random.Shuffle(permutation);
            var shuffled = Scores(pattern, labels, active, permutation, options.TopR);
            for (int c = 0; c < categories; c++) nulls[c][p] = shuffled[c].Score;
        }
        var result = new ConceptScore[categories];
        for (int c = 0; c < categories; c++)
        {
            var o = observed[c];
            double quantile = double.NaN, pValue = double.NaN;
            if (options.Permutations > 0)
            {
                quantile = SampleQuantile.Linear(nulls[c], options.NullQuantile);
                pValue = (1.0 + nulls[c].Count(v => v >= o.Score)) / (1.0 + options.Permutations);
            }
            result[c] = new ConceptScore(labels.CategoryNames[c], labels.Counts[c], o.Score, o.Best, o.Precision, o.Recall, o.Latents, quantile, pValue);
        }
        return result;
    }

    private readonly record struct Observed(double Score, int Best, double Precision, double Recall, int[] Latents);

    private static Observed[] Scores(ActivePattern pattern, ConceptLabels labels, int[] active, int[]? permutation, int topR)
    {
        int categories = labels.CategoryNames.Count;
        var inter = Intersections(pattern, labels, permutation);
        var result = new Observed[categories];
        for (int c = 0; c < categories; c++)
        {
            int labelled = labels.Counts[c];
            var ranked = Enumerable.Range(0, pattern.Latents)
                .Select(j => (Latent: j, F1: F1(inter[j * categories + c], active[j], labelled)))
                .Where(x => x.F1 > 0)
                .OrderByDescending(x => x.F1).ThenBy(x => x.Latent)
                .Take(topR).ToArray();
            if (ranked.Length == 0)
            {
                result[c] = new Observed(0, -1, 0, 0, []);
                continue;
            }
            int best = ranked[0].Latent;
            if (topR == 1 || ranked.Length == 1)
            {
                int i = inter[best * categories + c];
                result[c] = new Observed(ranked[0].F1, best, i / (double)active[best], labelled == 0 ? 0 : i / (double)labelled, [best]);
                continue;
            }
            // Union of the top-r latents: a position is active when any of them is.
            var chosen = new bool[pattern.Latents];
            foreach (var x in ranked) chosen[x.Latent] = true;
            int unionActive = 0, unionHit = 0;
            for (int t = 0; t < pattern.Positions; t++)
            {
                bool any = false;
                foreach (int j in pattern.At(t))
                    if (chosen[j]) { any = true; break; }
                if (!any) continue;
                unionActive++;
                if (labels.At(permutation is null ? t : permutation[t]).Contains(c)) unionHit++;
            }
            result[c] = new Observed(F1(unionHit, unionActive, labelled), best, unionHit / (double)unionActive,
                labelled == 0 ? 0 : unionHit / (double)labelled, ranked.Select(x => x.Latent).ToArray());
        }
        return result;
    }

    private static void Check(ActivePattern pattern, ConceptLabels labels)
    {
        if (pattern.Positions != labels.Positions)
            throw new NeuroLens.Core.NeuroLensException($"concepts: {pattern.Positions} activation rows but {labels.Positions} labelled positions");
    }
}
