namespace NeuroLens.Core.Statistics;

/// <summary>Empirical quantiles (percentiles) of a sample.</summary>
public static class SampleQuantile
{
    /// <summary>
    /// The p-quantile of the values by linear interpolation between order statistics — numpy's default,
    /// <c>numpy.quantile(values, p)</c> = <c>numpy.percentile(values, 100·p)</c> with
    /// <c>method="linear"</c> (Hyndman–Fan type 7).
    /// </summary>
    /// <remarks>
    /// With x₍₀₎ ≤ … ≤ x₍ₙ₋₁₎ the sorted values and h = (n − 1)·p, the result is
    /// x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋+1₎ − x₍⌊h⌋₎); p = 0 gives the minimum and p = 1 the maximum.
    /// A NaN among the values gives NaN, as in numpy.
    /// </remarks>
    /// <param name="values">The sample (not modified); at least one value.</param>
    /// <param name="probability">p in [0, 1].</param>
    /// <returns>The interpolated quantile.</returns>
    public static double Linear(ReadOnlySpan<double> values, double probability) =>
        Linear(values, [probability])[0];

    /// <summary>
    /// Several quantiles of one sample, sorting it once; each as in <see cref="Linear(ReadOnlySpan{double}, double)"/>.
    /// </summary>
    /// <param name="values">The sample (not modified); at least one value.</param>
    /// <param name="probabilities">Each p in [0, 1].</param>
    /// <returns>One quantile per probability, in the same order.</returns>
    public static double[] Linear(ReadOnlySpan<double> values, ReadOnlySpan<double> probabilities)
    {
        if (values.IsEmpty)
            throw new NeuroLensException("SampleQuantile.Linear: the sample is empty; at least one value is needed.");
        foreach (double p in probabilities)
            if (!(p >= 0.0 && p <= 1.0))
                throw new NeuroLensException($"SampleQuantile.Linear: probability must be in [0, 1], got {p}.");
        var result = new double[probabilities.Length];
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                Array.Fill(result, double.NaN);
                return result;
            }
        }
        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        for (int i = 0; i < probabilities.Length; i++)
        {
            double h = (sorted.Length - 1) * probabilities[i];
            int lo = (int)Math.Floor(h);
            int hi = Math.Min(lo + 1, sorted.Length - 1);
            double fraction = h - lo;
            // numpy's lerp form: exact at both ends, monotone in between.
            result[i] = fraction >= 0.5
                ? sorted[hi] - (sorted[hi] - sorted[lo]) * (1.0 - fraction)
                : sorted[lo] + (sorted[hi] - sorted[lo]) * fraction;
        }
        return result;
    }
}
