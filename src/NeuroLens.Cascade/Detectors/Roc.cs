namespace NeuroLens.Cascade.Detectors;

/// <summary>A point of a ROC curve: calling chunks with score ≥ <paramref name="Threshold"/> positive gives these rates.</summary>
/// <param name="Threshold">The score threshold.</param>
/// <param name="Tpr">True-positive rate β at the threshold.</param>
/// <param name="Fpr">False-positive rate α at the threshold.</param>
public readonly record struct RocPoint(double Threshold, double Tpr, double Fpr);

/// <summary>A detector's operating point measured on held-out chunks: β and α with Wilson 95 % intervals.</summary>
/// <param name="Threshold">The score threshold (score ≥ threshold is a positive call).</param>
/// <param name="Tpr">β: positives called positive, of all positives.</param>
/// <param name="Fpr">α: negatives called positive, of all negatives.</param>
public sealed record MeasuredOperatingPoint(double Threshold, Proportion Tpr, Proportion Fpr);

/// <summary>
/// ROC analysis of chunk scores against chunk labels. Convention throughout: a chunk is called positive
/// when its score is ≥ the threshold; thresholds are the distinct observed scores (plus +∞ for the
/// all-negative point).
/// </summary>
public static class Roc
{
    /// <summary>The ROC curve, from the strictest threshold (+∞: TPR = FPR = 0) to the most lenient (the lowest score: 1, 1).</summary>
    /// <param name="scores">Chunk scores.</param>
    /// <param name="truth">Chunk labels, same length.</param>
    public static IReadOnlyList<RocPoint> Curve(IReadOnlyList<float> scores, IReadOnlyList<bool> truth)
    {
        Check(scores, truth);
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        long positives = truth.Count(t => t), negatives = truth.Count - positives;
        var curve = new List<RocPoint> { new(double.PositiveInfinity, 0, 0) };
        long tp = 0, fp = 0;
        for (int j = 0; j < order.Length; j++)
        {
            if (truth[order[j]]) tp++; else fp++;
            if (j + 1 < order.Length && scores[order[j + 1]] == scores[order[j]]) continue; // ties share a threshold
            curve.Add(new RocPoint(scores[order[j]], Rate(tp, positives), Rate(fp, negatives)));
        }
        return curve;
    }

    /// <summary>Area under the ROC curve (trapezoids; equals the Mann–Whitney probability that a positive outscores a negative, ties counted half).</summary>
    /// <param name="scores">Chunk scores.</param>
    /// <param name="truth">Chunk labels, same length; both classes must occur.</param>
    public static double Auc(IReadOnlyList<float> scores, IReadOnlyList<bool> truth)
    {
        var curve = Curve(scores, truth);
        double area = 0;
        for (int i = 1; i < curve.Count; i++)
            area += (curve[i].Fpr - curve[i - 1].Fpr) * (curve[i].Tpr + curve[i - 1].Tpr) / 2;
        return area;
    }

    /// <summary>
    /// The highest threshold whose TPR on these chunks is at least <paramref name="targetTpr"/> (the
    /// cheapest-in-false-positives operating point meeting the target); the lowest score when no
    /// positives exist.
    /// </summary>
    /// <param name="scores">Held-out chunk scores.</param>
    /// <param name="truth">Their labels.</param>
    /// <param name="targetTpr">Minimum β in [0, 1].</param>
    public static double ThresholdForTpr(IReadOnlyList<float> scores, IReadOnlyList<bool> truth, double targetTpr)
    {
        foreach (var point in Curve(scores, truth))
            if (point.Tpr >= targetTpr && !double.IsInfinity(point.Threshold)) return point.Threshold;
        return scores.Count == 0 ? 0 : scores.Min();
    }

    /// <summary>β and α with Wilson 95 % intervals at <paramref name="threshold"/>.</summary>
    /// <param name="scores">Held-out chunk scores.</param>
    /// <param name="truth">Their labels.</param>
    /// <param name="threshold">Score ≥ threshold is a positive call.</param>
    public static MeasuredOperatingPoint At(IReadOnlyList<float> scores, IReadOnlyList<bool> truth, double threshold)
    {
        Check(scores, truth);
        long tp = 0, p = 0, fp = 0, n = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            bool call = scores[i] >= threshold;
            if (truth[i]) { p++; if (call) tp++; }
            else { n++; if (call) fp++; }
        }
        return new MeasuredOperatingPoint(threshold, Proportion.Wilson(tp, p), Proportion.Wilson(fp, n));
    }

    private static double Rate(long k, long n) => n == 0 ? 0 : (double)k / n;

    private static void Check(IReadOnlyList<float> scores, IReadOnlyList<bool> truth)
    {
        if (scores.Count != truth.Count)
            throw new ArgumentException($"{scores.Count} scores but {truth.Count} labels.", nameof(truth));
    }
}
