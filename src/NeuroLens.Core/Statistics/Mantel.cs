namespace NeuroLens.Core.Statistics;

/// <summary>
/// The Mantel test (Mantel 1967) of association between two distance (or dissimilarity) matrices of the
/// same objects, for example MMD² between domains against species divergence times.
/// </summary>
/// <remarks>
/// The statistic is Pearson's r (<see cref="Correlation.Pearson(ReadOnlySpan{double}, ReadOnlySpan{double})"/>)
/// between the upper triangles (i &lt; j, row-major) of the two matrices; the diagonal and the lower triangle
/// are not read. Under the null the objects of one matrix are relabelled at random: rows and columns of
/// <c>b</c> are permuted together. One-sided (positive association), p = (1 + #{r_perm ≥ r}) / (1 + P)
/// with the observed relabelling counted (<see cref="PermutationTest.Run{TData}"/>, <see cref="System.Random"/>
/// seeded with <c>seed</c>). This is <c>skbio.stats.distance.mantel(method="pearson", alternative="greater")</c>
/// up to its random stream.
/// </remarks>
public static class Mantel
{
    /// <summary>Pearson's r between the upper triangles of two square matrices, and its permutation p-value.</summary>
    /// <param name="a">The first matrix, k × k (k ≥ 3).</param>
    /// <param name="b">The second matrix, k × k, of the same objects in the same order.</param>
    /// <param name="permutations">P ≥ 1, the number of random relabellings.</param>
    /// <param name="seed">Seed of the <see cref="System.Random"/> that draws the relabellings.</param>
    /// <returns>r, and the one-sided p-value; both NaN when a triangle is constant.</returns>
    public static (double R, double PValue) Test(double[,] a, double[,] b, int permutations, int seed)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int k = a.GetLength(0);
        if (a.GetLength(1) != k || b.GetLength(0) != k || b.GetLength(1) != k)
            throw new NeuroLensException(
                $"Mantel.Test: a and b must be square matrices of the same size, got {a.GetLength(0)}×{a.GetLength(1)} and {b.GetLength(0)}×{b.GetLength(1)}.");
        if (k < 3)
            throw new NeuroLensException($"Mantel.Test: needs at least 3 objects (3 distinct pairs), got {k}.");
        double[] upperA = UpperTriangle(a, Identity(k));
        var result = PermutationTest.Run(
            Identity(k),
            labels => Correlation.Pearson(upperA, UpperTriangle(b, labels)),
            (labels, random) =>
            {
                int[] shuffled = (int[])labels.Clone();
                random.Shuffle(shuffled);
                return shuffled;
            },
            permutations, seed);
        return (result.Statistic, result.PValue);
    }

    private static int[] Identity(int k) => Enumerable.Range(0, k).ToArray();

    // Entries m[labels[i], labels[j]] for i < j, row-major.
    private static double[] UpperTriangle(double[,] m, int[] labels)
    {
        int k = labels.Length;
        var values = new double[k * (k - 1) / 2];
        int next = 0;
        for (int i = 0; i < k; i++)
            for (int j = i + 1; j < k; j++)
                values[next++] = m[labels[i], labels[j]];
        return values;
    }
}
