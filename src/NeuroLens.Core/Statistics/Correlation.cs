using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>Pearson and Spearman correlation coefficients of two paired samples.</summary>
/// <remarks>
/// Conventions, matching <c>scipy.stats.pearsonr</c> and <c>scipy.stats.spearmanr</c>:
/// the samples must have equal length n ≥ 2 (otherwise <see cref="NeuroLensException"/>); a constant
/// sample (all values equal) has no defined correlation and gives NaN; a NaN anywhere gives NaN.
/// Results are clipped to [−1, 1]. Arithmetic is double precision whatever the input type.
/// </remarks>
public static class Correlation
{
    /// <summary>Pearson's product-moment correlation r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²).</summary>
    /// <param name="x">The first sample.</param>
    /// <param name="y">The second sample, paired with <paramref name="x"/>.</param>
    /// <returns>r in [−1, 1], or NaN for a constant sample or a NaN value.</returns>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        CheckLengths(x.Length, y.Length, nameof(Pearson));
        if (IsConstant(x) || IsConstant(y)) return double.NaN;
        double meanX = Mean(x), meanY = Mean(y);
        double sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double dx = x[i] - meanX, dy = y[i] - meanY;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
        double r = sxy / (Math.Sqrt(sxx) * Math.Sqrt(syy));
        return double.IsNaN(r) ? r : Math.Clamp(r, -1.0, 1.0);
    }

    /// <summary>Pearson's r of two 1-D tensors (any real type or device); see <see cref="Pearson(ReadOnlySpan{double}, ReadOnlySpan{double})"/>.</summary>
    /// <param name="x">The first sample, a 1-D tensor.</param>
    /// <param name="y">The second sample, a 1-D tensor of the same length.</param>
    /// <returns>r in [−1, 1], or NaN for a constant sample or a NaN value.</returns>
    public static double Pearson(Tensor x, Tensor y) =>
        Pearson(Vectors.ToDoubles(x, "Correlation.Pearson", "x"), Vectors.ToDoubles(y, "Correlation.Pearson", "y"));

    /// <summary>
    /// Spearman's rank correlation ρ: Pearson's r of the ranks, tied values receiving their average rank
    /// (<see cref="Ranks.Average"/>), so ties are handled exactly rather than by the n(n²−1) shortcut.
    /// </summary>
    /// <param name="x">The first sample.</param>
    /// <param name="y">The second sample, paired with <paramref name="x"/>.</param>
    /// <returns>ρ in [−1, 1], or NaN for a constant sample or a NaN value.</returns>
    public static double Spearman(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        CheckLengths(x.Length, y.Length, nameof(Spearman));
        return Pearson(Ranks.Average(x), Ranks.Average(y));
    }

    /// <summary>Spearman's ρ of two 1-D tensors (any real type or device); see <see cref="Spearman(ReadOnlySpan{double}, ReadOnlySpan{double})"/>.</summary>
    /// <param name="x">The first sample, a 1-D tensor.</param>
    /// <param name="y">The second sample, a 1-D tensor of the same length.</param>
    /// <returns>ρ in [−1, 1], or NaN for a constant sample or a NaN value.</returns>
    public static double Spearman(Tensor x, Tensor y) =>
        Spearman(Vectors.ToDoubles(x, "Correlation.Spearman", "x"), Vectors.ToDoubles(y, "Correlation.Spearman", "y"));

    private static void CheckLengths(int nx, int ny, string method)
    {
        if (nx != ny)
            throw new NeuroLensException($"Correlation.{method}: x has {nx} values but y has {ny}; the samples must be paired.");
        if (nx < 2)
            throw new NeuroLensException($"Correlation.{method}: needs at least 2 paired values, got {nx}.");
    }

    private static bool IsConstant(ReadOnlySpan<double> values)
    {
        for (int i = 1; i < values.Length; i++)
            if (!(values[i] == values[0])) return false; // a NaN is not constant; it propagates instead
        return !double.IsNaN(values[0]);
    }

    // Mean with one correction pass, so that a large common offset costs no accuracy.
    private static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        double mean = sum / values.Length;
        double residual = 0;
        foreach (double v in values) residual += v - mean;
        return mean + residual / values.Length;
    }
}
