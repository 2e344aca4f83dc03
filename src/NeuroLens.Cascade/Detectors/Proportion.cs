namespace NeuroLens.Cascade.Detectors;

/// <summary>
/// A binomial proportion k/n with its Wilson score interval (Wilson 1927; Agresti &amp; Coull 1998):
/// centre (p̂ + z²/2n)/(1 + z²/n), half-width z·√(p̂(1 − p̂)/n + z²/4n²)/(1 + z²/n). Unlike the Wald
/// interval it stays inside [0, 1] and is usable at k = 0 or k = n, which matters for rates near 0 or 1.
/// </summary>
/// <param name="Successes">k.</param>
/// <param name="Trials">n.</param>
/// <param name="Lower">Lower end of the interval (0 when n = 0).</param>
/// <param name="Upper">Upper end of the interval (1 when n = 0).</param>
public sealed record Proportion(long Successes, long Trials, double Lower, double Upper)
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>k/n, NaN when n = 0.</summary>
    public double Estimate => Trials == 0 ? double.NaN : (double)Successes / Trials;

    /// <summary>The proportion with its Wilson interval at <paramref name="z"/> (default 95 %).</summary>
    /// <param name="successes">k, 0 ≤ k ≤ n.</param>
    /// <param name="trials">n ≥ 0.</param>
    /// <param name="z">The standard-normal quantile of the interval.</param>
    public static Proportion Wilson(long successes, long trials, double z = Z95)
    {
        if (trials < 0 || successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), $"need 0 ≤ successes ≤ trials, got {successes} of {trials}.");
        if (trials == 0) return new Proportion(0, 0, 0, 1);
        double n = trials, p = successes / n, z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        return new Proportion(successes, trials, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
