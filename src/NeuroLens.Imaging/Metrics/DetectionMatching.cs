using NeuroLens.Core;

namespace NeuroLens.Imaging.Metrics;

/// <summary>A predicted object matched to a true object.</summary>
/// <param name="Predicted">Index into the predicted list.</param>
/// <param name="Truth">Index into the true list.</param>
/// <param name="Distance">Distance between their centroids (≤ the radius).</param>
public readonly record struct DetectionMatch(int Predicted, int Truth, double Distance);

/// <summary>Object-level detection scores.</summary>
/// <param name="Matches">The matched pairs, sorted by predicted index.</param>
/// <param name="TruePositives">Matched predictions.</param>
/// <param name="FalsePositives">Unmatched predictions.</param>
/// <param name="FalseNegatives">Unmatched true objects.</param>
public sealed record DetectionScore(IReadOnlyList<DetectionMatch> Matches, int TruePositives, int FalsePositives, int FalseNegatives)
{
    /// <summary>TP / (TP + FP); 1 when nothing was predicted.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN); 1 when there is no true object.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>2TP / (2TP + FP + FN), the harmonic mean of precision and recall; 1 when both lists are empty.</summary>
    public double F1 => TruePositives + FalsePositives + FalseNegatives == 0 ? 1 : 2.0 * TruePositives / (2 * TruePositives + FalsePositives + FalseNegatives);
}

/// <summary>
/// Detection precision, recall and F1 by one-to-one matching of centroids within a radius. A predicted
/// and a true object may be matched when their centroids are at most <c>radius</c> apart. Among all
/// one-to-one matchings of such pairs the one chosen first has the most pairs, then the smallest total
/// distance — an optimal assignment (<see cref="LinearAssignment"/>) in which a pair beyond the radius
/// costs more than any set of allowed pairs, solved separately on each connected group of
/// candidate pairs. Unlike greedy nearest-first matching, it never loses a match to a closer pair.
/// </summary>
public static class DetectionMatching
{
    /// <summary>Matches <paramref name="predicted"/> to <paramref name="truth"/> within <paramref name="radius"/> and scores the result.</summary>
    /// <param name="predicted">Predicted object centres.</param>
    /// <param name="truth">True object centres, in the same units.</param>
    /// <param name="radius">Largest matching distance (inclusive), positive.</param>
    public static DetectionScore Match(IReadOnlyList<ObjectCentroid> predicted, IReadOnlyList<ObjectCentroid> truth, double radius)
    {
        if (!(radius > 0) || double.IsInfinity(radius))
            throw new NeuroLensException($"matching radius must be positive and finite, got {radius}.");
        int p = predicted.Count;
        var candidates = CandidatePairs(predicted, truth, radius);

        // Connected groups of candidate pairs (nodes: predictions 0..p-1, true objects p..): independent subproblems.
        var parent = Enumerable.Range(0, p + truth.Count).ToArray();
        int Find(int x)
        {
            while (parent[x] != x)
                x = parent[x] = parent[parent[x]];
            return x;
        }
        foreach (var (i, j, _) in candidates)
            parent[Find(i)] = Find(p + j);
        var groups = candidates.GroupBy(c => Find(c.Predicted)).OrderBy(g => g.Key);

        var matches = new List<DetectionMatch>();
        foreach (var group in groups)
        {
            int[] rows = group.Select(c => c.Predicted).Distinct().Order().ToArray();
            int[] cols = group.Select(c => c.Truth).Distinct().Order().ToArray();
            bool transpose = rows.Length > cols.Length;
            if (transpose)
                (rows, cols) = (cols, rows);
            // A forbidden pair costs more than any set of allowed pairs: the minimum first maximises matches.
            double forbidden = 2 * radius * (rows.Length + 1) + 1;
            var cost = new double[rows.Length, cols.Length];
            for (int r = 0; r < rows.Length; r++)
                for (int c = 0; c < cols.Length; c++)
                    cost[r, c] = forbidden;
            var rowIndex = rows.Select((v, k) => (v, k)).ToDictionary(t => t.v, t => t.k);
            var colIndex = cols.Select((v, k) => (v, k)).ToDictionary(t => t.v, t => t.k);
            foreach (var m in group)
            {
                var (r, c) = transpose ? (rowIndex[m.Truth], colIndex[m.Predicted]) : (rowIndex[m.Predicted], colIndex[m.Truth]);
                cost[r, c] = m.Distance;
            }
            int[] assigned = LinearAssignment.Minimize(cost);
            for (int r = 0; r < rows.Length; r++)
            {
                if (cost[r, assigned[r]] >= forbidden)
                    continue;
                var (pi, ti) = transpose ? (cols[assigned[r]], rows[r]) : (rows[r], cols[assigned[r]]);
                matches.Add(new DetectionMatch(pi, ti, cost[r, assigned[r]]));
            }
        }
        matches.Sort((a, b) => a.Predicted.CompareTo(b.Predicted));
        return new DetectionScore(matches, matches.Count, p - matches.Count, truth.Count - matches.Count);
    }

    /// <summary>All pairs within the radius, found through a grid of cells one radius wide.</summary>
    private static List<DetectionMatch> CandidatePairs(IReadOnlyList<ObjectCentroid> predicted, IReadOnlyList<ObjectCentroid> truth, double radius)
    {
        (long, long, long) Cell(in ObjectCentroid c) =>
            ((long)Math.Floor(c.Z / radius), (long)Math.Floor(c.Y / radius), (long)Math.Floor(c.X / radius));
        var grid = new Dictionary<(long, long, long), List<int>>();
        for (int j = 0; j < truth.Count; j++)
        {
            var t = truth[j];
            if (!double.IsFinite(t.Z) || !double.IsFinite(t.Y) || !double.IsFinite(t.X))
                throw new NeuroLensException($"true object {j} has a non-finite centroid.");
            var cell = Cell(t);
            if (!grid.TryGetValue(cell, out var list))
                grid[cell] = list = [];
            list.Add(j);
        }
        var pairs = new List<DetectionMatch>();
        for (int i = 0; i < predicted.Count; i++)
        {
            var pc = predicted[i];
            if (!double.IsFinite(pc.Z) || !double.IsFinite(pc.Y) || !double.IsFinite(pc.X))
                throw new NeuroLensException($"predicted object {i} has a non-finite centroid.");
            var (cz, cy, cx) = Cell(pc);
            for (long z = cz - 1; z <= cz + 1; z++)
                for (long y = cy - 1; y <= cy + 1; y++)
                    for (long x = cx - 1; x <= cx + 1; x++)
                        if (grid.TryGetValue((z, y, x), out var list))
                            foreach (int j in list)
                            {
                                double d = pc.DistanceTo(truth[j]);
                                if (d <= radius)
                                    pairs.Add(new DetectionMatch(i, j, d));
                            }
        }
        return pairs;
    }
}
