namespace NeuroLens.Transfer;

/// <summary>
/// Greedy k-center (Gonzalez, 1985; the core-set rule of Sener &amp; Savarese, 2018): a 2-approximation
/// of the set of k centres minimising the covering radius, the largest distance of any point to its
/// nearest centre.
/// </summary>
public static class CoreSet
{
    /// <summary>
    /// k distinct row indices: first the row nearest the mean of all rows (nothing is labelled yet in
    /// source-free selection, so the most central patch starts), then repeatedly the row farthest
    /// (Euclidean) from the centres chosen so far, ties to the lower index.
    /// </summary>
    public static int[] Greedy(IReadOnlyList<double[]> points, int k)
    {
        int count = points.Count;
        if (k < 1 || k > count) throw new Core.NeuroLensException($"k-center: k is {k}, expected 1 to {count}.");
        int dim = points[0].Length;
        var mean = new double[dim];
        foreach (var p in points) for (int j = 0; j < dim; j++) mean[j] += p[j] / count;
        int first = Enumerable.Range(0, count).MinBy(i => Distance(points[i], mean));
        var centres = new List<int> { first };
        var nearest = points.Select(p => Distance(p, points[first])).ToArray();
        while (centres.Count < k)
        {
            int next = 0;
            for (int i = 1; i < count; i++) if (nearest[i] > nearest[next]) next = i;
            centres.Add(next);
            for (int i = 0; i < count; i++) nearest[i] = Math.Min(nearest[i], Distance(points[i], points[next]));
        }
        return [.. centres];
    }

    /// <summary>The covering radius: max over points of the distance to the nearest of <paramref name="centres"/>.</summary>
    public static double CoveringRadius(IReadOnlyList<double[]> points, IReadOnlyList<int> centres) =>
        points.Max(p => centres.Min(c => Distance(p, points[c])));

    /// <summary>Euclidean distance.</summary>
    public static double Distance(double[] a, double[] b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++) sum += (a[j] - b[j]) * (a[j] - b[j]);
        return Math.Sqrt(sum);
    }
}
