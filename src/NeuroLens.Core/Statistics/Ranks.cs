namespace NeuroLens.Core.Statistics;

/// <summary>Ranking of values, as used by rank correlations and rank tests.</summary>
public static class Ranks
{
    /// <summary>
    /// Ranks 1..n of the values, tied values sharing the average of the ranks they span — the convention
    /// of <c>scipy.stats.rankdata(values, method="average")</c> (also called fractional ranking).
    /// </summary>
    /// <remarks>
    /// Ties are exact equality of doubles (−0.0 and +0.0 tie). If any value is NaN, every rank is NaN,
    /// like scipy's default <c>nan_policy="propagate"</c>. O(n log n).
    /// </remarks>
    /// <param name="values">The values to rank.</param>
    /// <returns>A new array: the rank of each value, in the input order.</returns>
    public static double[] Average(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        var ranks = new double[n];
        var order = new int[n];
        var sorted = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(values[i]))
            {
                Array.Fill(ranks, double.NaN);
                return ranks;
            }
            order[i] = i;
            sorted[i] = values[i];
        }
        Array.Sort(sorted, order);
        for (int start = 0; start < n;)
        {
            int end = start + 1;
            while (end < n && sorted[end] == sorted[start]) end++;
            double rank = 0.5 * (start + 1 + end); // mean of the 1-based ranks start+1 .. end
            for (int k = start; k < end; k++) ranks[order[k]] = rank;
            start = end;
        }
        return ranks;
    }
}
