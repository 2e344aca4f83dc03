using NeuroLens.Core;

namespace NeuroLens.Imaging.Metrics;

/// <summary>
/// The linear assignment problem: given an n × m cost matrix with n ≤ m, assign every row a distinct
/// column so that the total cost is minimal. Shortest augmenting paths with dual potentials (the
/// Hungarian method in the Jonker–Volgenant form), O(n² m).
/// </summary>
public static class LinearAssignment
{
    /// <summary>The column assigned to each row in a minimum-cost assignment.</summary>
    /// <param name="cost">Finite costs, rows ≤ columns.</param>
    /// <returns>For each row, its column.</returns>
    public static int[] Minimize(double[,] cost)
    {
        int n = cost.GetLength(0), m = cost.GetLength(1);
        if (n > m)
            throw new NeuroLensException($"assignment needs rows ≤ columns, got {n} × {m}; transpose the cost matrix.");
        foreach (double c in cost)
            if (!double.IsFinite(c))
                throw new NeuroLensException("assignment costs must be finite.");
        // 1-based: column 0 is a virtual column that holds the row being inserted.
        var u = new double[n + 1];
        var v = new double[m + 1];
        var rowOf = new int[m + 1];
        var way = new int[m + 1];
        var minv = new double[m + 1];
        var used = new bool[m + 1];
        for (int i = 1; i <= n; i++)
        {
            rowOf[0] = i;
            int j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                // Dijkstra step over reduced costs: grow the alternating tree by the cheapest column.
                used[j0] = true;
                int i0 = rowOf[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j])
                        continue;
                    double reduced = cost[i0 - 1, j - 1] - u[i0] - v[j];
                    if (reduced < minv[j])
                    {
                        minv[j] = reduced;
                        way[j] = j0;
                    }
                    if (minv[j] < delta)
                    {
                        delta = minv[j];
                        j1 = j;
                    }
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j])
                    {
                        u[rowOf[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                        minv[j] -= delta;
                }
                j0 = j1;
            }
            while (rowOf[j0] != 0);
            // Augment along the path back to the virtual column.
            do
            {
                int j1 = way[j0];
                rowOf[j0] = rowOf[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }
        var result = new int[n];
        for (int j = 1; j <= m; j++)
            if (rowOf[j] != 0)
                result[rowOf[j] - 1] = j - 1;
        return result;
    }
}
