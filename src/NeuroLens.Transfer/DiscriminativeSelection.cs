namespace NeuroLens.Transfer;

/// <summary>
/// Discriminative active learning (Gissin &amp; Shalev-Shwartz, 2019) on fixed features: a logistic
/// regression separates labelled-so-far (class 0) from unlabelled (class 1) patches, and the unlabelled
/// patches with the highest P(unlabelled) — those least like anything labelled — are queried.
/// </summary>
internal static class DiscriminativeSelection
{
    public static int[] Select(double[][] features, int n, SelectionOptions options)
    {
        var x = Standardise(features);
        // Nothing is labelled at the start of source-free selection: the most central patch starts, as in core-set.
        var picked = new List<int> { CoreSet.Greedy(x, 1)[0] };
        int rounds = Math.Min(options.Rounds, Math.Max(1, n - 1));
        for (int round = 0; round < rounds && picked.Count < n; round++)
        {
            int take = (n - picked.Count + (rounds - round) - 1) / (rounds - round); // spread the rest evenly
            var labelled = new bool[x.Length];
            foreach (int i in picked) labelled[i] = true;
            var (w, b) = Fit(x, labelled, options);
            var next = Enumerable.Range(0, x.Length).Where(i => !labelled[i])
                .OrderByDescending(i => Dot(w, x[i]) + b).ThenBy(i => i).Take(take);
            picked.AddRange(next);
        }
        return [.. picked];
    }

    /// <summary>
    /// Logistic regression by full-batch gradient descent from zero weights, with classes weighted to equal
    /// total mass (the labelled set is small) and an L2 penalty; deterministic.
    /// </summary>
    internal static (double[] W, double B) Fit(double[][] x, bool[] labelled, SelectionOptions options)
    {
        int count = x.Length, dim = x[0].Length;
        int positives = labelled.Count(l => !l), negatives = count - positives;
        double wPos = 0.5 / Math.Max(positives, 1), wNeg = 0.5 / Math.Max(negatives, 1);
        var w = new double[dim];
        double b = 0;
        var grad = new double[dim];
        for (int iteration = 0; iteration < options.ClassifierIterations; iteration++)
        {
            Array.Clear(grad);
            double gb = 0;
            for (int i = 0; i < count; i++)
            {
                double y = labelled[i] ? 0 : 1, weight = labelled[i] ? wNeg : wPos;
                double p = 1 / (1 + Math.Exp(-(Dot(w, x[i]) + b)));
                double r = weight * (p - y);
                for (int j = 0; j < dim; j++) grad[j] += r * x[i][j];
                gb += r;
            }
            for (int j = 0; j < dim; j++) w[j] -= options.ClassifierLearningRate * (grad[j] + options.ClassifierL2 * w[j]);
            b -= options.ClassifierLearningRate * gb;
        }
        return (w, b);
    }

    // Zero mean, unit variance per feature (constant features become 0), so one learning rate fits all scales.
    private static double[][] Standardise(double[][] features)
    {
        int count = features.Length, dim = features[0].Length;
        var result = features.Select(r => (double[])r.Clone()).ToArray();
        for (int j = 0; j < dim; j++)
        {
            double mean = features.Average(r => r[j]);
            double sd = Math.Sqrt(features.Average(r => (r[j] - mean) * (r[j] - mean)));
            for (int i = 0; i < count; i++) result[i][j] = sd > 0 ? (features[i][j] - mean) / sd : 0;
        }
        return result;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++) sum += a[j] * b[j];
        return sum;
    }
}
