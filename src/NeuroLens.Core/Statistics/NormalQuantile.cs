using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>
/// The standard normal quantile function Φ⁻¹(p) (probit, <c>scipy.stats.norm.ppf</c>), accurate to about
/// 1e-16 relative over the whole open interval (0, 1), tails included.
/// </summary>
/// <remarks>
/// Algorithm: M. J. Wichura, "Algorithm AS 241: The percentage points of the normal distribution",
/// Applied Statistics 37 (1988) 477–484, routine PPND16 — three rational approximations in
/// |p − ½| ≤ 0.425, r = √(−ln min(p, 1−p)) ≤ 5, and r &gt; 5. Checked against 40-digit arithmetic it
/// stays within 1e-14 absolute down to the smallest subnormal probability (Φ⁻¹(5e-324) ≈ −38.4674).
/// Conventions: p = 0 gives −∞, p = 1 gives +∞, p outside [0, 1] or NaN gives NaN (no exception).
/// The function is odd around ½ by construction: the tail branch works on min(p, 1−p).
/// </remarks>
public static class NormalQuantile
{
    /// <summary>Φ⁻¹(p), the x with Φ(x) = p.</summary>
    /// <param name="p">A probability.</param>
    /// <returns>The standard normal quantile; −∞ at 0, +∞ at 1, NaN outside [0, 1] or for NaN.</returns>
    public static double Of(double p)
    {
        if (double.IsNaN(p) || p < 0.0 || p > 1.0) return double.NaN;
        if (p == 0.0) return double.NegativeInfinity;
        if (p == 1.0) return double.PositiveInfinity;

        double q = p - 0.5;
        if (Math.Abs(q) <= 0.425)
        {
            double s = 0.180625 - q * q;
            return q * Horner(A, s) / Horner(B, s);
        }

        double tail = q < 0.0 ? p : 1.0 - p; // exact: 1 − p is exact for p ≥ ½ (Sterbenz)
        double r = Math.Sqrt(-Math.Log(tail));
        double x = r <= 5.0 ? Horner(C, r - 1.6) / Horner(D, r - 1.6) : Horner(E, r - 5.0) / Horner(F, r - 5.0);
        return q < 0.0 ? -x : x;
    }

    /// <summary>Applies <see cref="Of(double)"/> element by element.</summary>
    /// <param name="p">Probabilities.</param>
    /// <param name="destination">Receives Φ⁻¹ of each probability; same length as <paramref name="p"/>.</param>
    public static void Of(ReadOnlySpan<double> p, Span<double> destination)
    {
        if (destination.Length != p.Length)
            throw new NeuroLensException($"NormalQuantile: destination has {destination.Length} elements, expected {p.Length} (one per probability).");
        for (int i = 0; i < p.Length; i++) destination[i] = Of(p[i]);
    }

    /// <summary>
    /// The vector of normal quantiles at the midpoints of N equal probability bins,
    /// q_i = Φ⁻¹((i − ½)/N) for i = 1..N (Hazen plotting positions), in increasing order.
    /// </summary>
    /// <remarks>
    /// These are the reference quantiles of the deterministic Wasserstein-to-Gaussian estimator:
    /// (1/N) Σ |z_(i) − q_i|. The lower half is computed and mirrored, so q_{N+1−i} = −q_i exactly and
    /// the middle element of an odd N is exactly 0. Computed in double precision, then converted.
    /// </remarks>
    /// <param name="count">N, the number of quantiles (≥ 0).</param>
    /// <param name="dtype">Element type of the result (float64 by default).</param>
    /// <param name="device">Device of the result (CPU by default).</param>
    /// <returns>A 1-D tensor of length N.</returns>
    public static Tensor OfMidpoints(long count, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        if (count < 0 || count > Array.MaxLength)
            throw new NeuroLensException($"NormalQuantile: count must be between 0 and {Array.MaxLength}, got {count}.");
        int n = (int)count;
        var values = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++)
        {
            double x = Of((i + 0.5) / n);
            values[i] = x;
            values[n - 1 - i] = -x;
        }
        if (n % 2 == 1) values[n / 2] = 0.0;
        using var result = torch.tensor(values, dtype: ScalarType.Float64);
        return result.to(dtype, device ?? CPU);
    }

    // Evaluates c[0] + c[1]·s + … + c[7]·s⁷.
    private static double Horner(double[] c, double s)
    {
        double value = c[^1];
        for (int i = c.Length - 2; i >= 0; i--) value = value * s + c[i];
        return value;
    }

    // AS 241 (PPND16) coefficients, lowest degree first.
    private static readonly double[] A =
    [
        3.3871328727963666080e0, 1.3314166789178437745e+2, 1.9715909503065514427e+3, 1.3731693765509461125e+4,
        4.5921953931549871457e+4, 6.7265770927008700853e+4, 3.3430575583588128105e+4, 2.5090809287301226727e+3,
    ];

    private static readonly double[] B =
    [
        1.0, 4.2313330701600911252e+1, 6.8718700749205790830e+2, 5.3941960214247511077e+3,
        2.1213794301586595867e+4, 3.9307895800092710610e+4, 2.8729085735721942674e+4, 5.2264952788528545610e+3,
    ];

    private static readonly double[] C =
    [
        1.42343711074968357734e0, 4.63033784615654529590e0, 5.76949722146069140550e0, 3.64784832476320460504e0,
        1.27045825245236838258e0, 2.41780725177450611770e-1, 2.27238449892691845833e-2, 7.74545014278341407640e-4,
    ];

    private static readonly double[] D =
    [
        1.0, 2.05319162663775882187e0, 1.67638483018380384940e0, 6.89767334985100004550e-1,
        1.48103976427480074590e-1, 1.51986665636164571966e-2, 5.47593808499534494600e-4, 1.05075007164441684324e-9,
    ];

    private static readonly double[] E =
    [
        6.65790464350110377720e0, 5.46378491116411436990e0, 1.78482653991729133580e0, 2.96560571828504891230e-1,
        2.65321895265761230930e-2, 1.24266094738807843860e-3, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
    ];

    private static readonly double[] F =
    [
        1.0, 5.99832206555887937690e-1, 1.36929880922735805310e-1, 1.48753612908506148525e-2,
        7.86869131145613259100e-4, 1.84631831751005468180e-5, 1.42151175831644588870e-7, 2.04426310338993978564e-15,
    ];
}
