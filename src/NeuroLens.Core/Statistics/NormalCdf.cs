namespace NeuroLens.Core.Statistics;

/// <summary>
/// The standard normal cumulative distribution function Φ(x) = P(Z ≤ x), Z ~ N(0, 1), and its upper
/// tail Q(x) = 1 − Φ(x), both to about 1e-15 relative accuracy including the far tails.
/// </summary>
/// <remarks>
/// Φ(x) = ½ erfc(−x/√2). The complementary error function is W. J. Cody's rational Chebyshev
/// approximation ("Rational Chebyshev approximations for the error function", Math. Comp. 23, 1969;
/// SPECFUN <c>CALERF</c>), the routine behind many scientific libraries. Computing the tails from erfc
/// (not from 1 − erf) keeps their relative accuracy: Φ(−37) ≈ 5.7e-300 is returned to full precision.
/// </remarks>
public static class NormalCdf
{
    /// <summary>Φ(x), the probability that a standard normal variable is at most <paramref name="x"/>.</summary>
    /// <param name="x">The point; ±∞ give 0 and 1, NaN gives NaN.</param>
    /// <returns>Φ(x) in [0, 1]; subnormal (reduced precision) below x ≈ −37.5, 0 below x ≈ −38.5.</returns>
    public static double Of(double x) => 0.5 * Erfc(-x / Math.Sqrt(2.0));

    /// <summary>Q(x) = 1 − Φ(x) = Φ(−x), the upper tail, computed without cancellation.</summary>
    /// <param name="x">The point; NaN gives NaN.</param>
    /// <returns>The probability that a standard normal variable exceeds <paramref name="x"/>.</returns>
    public static double UpperTail(double x) => 0.5 * Erfc(x / Math.Sqrt(2.0));

    /// <summary>The complementary error function erfc(x) = 1 − erf(x) (Cody 1969).</summary>
    internal static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (double.IsInfinity(x)) return x > 0 ? 0.0 : 2.0;
        double y = Math.Abs(x);
        double result;
        if (y <= 0.46875)
        {
            // erf on the first interval; erfc = 1 − erf loses nothing here because erf ≤ 0.5.
            double ysq = y > 1.11e-16 ? y * y : 0.0;
            double num = A[4] * ysq, den = ysq;
            for (int i = 0; i < 3; i++)
            {
                num = (num + A[i]) * ysq;
                den = (den + B[i]) * ysq;
            }
            return 1.0 - x * (num + A[3]) / (den + B[3]);
        }
        if (y <= 4.0)
        {
            double num = C[8] * y, den = y;
            for (int i = 0; i < 7; i++)
            {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            result = (num + C[7]) / (den + D[7]) * ExpMinusSquare(y);
        }
        else
        {
            double ysq = 1.0 / (y * y);
            double num = P[5] * ysq, den = ysq;
            for (int i = 0; i < 4; i++)
            {
                num = (num + P[i]) * ysq;
                den = (den + Q[i]) * ysq;
            }
            result = ysq * (num + P[4]) / (den + Q[4]);
            result = (OneOverSqrtPi - result) / y * ExpMinusSquare(y);
        }
        return x < 0.0 ? 2.0 - result : result;
    }

    // exp(−y²) with y split as y = t + (y − t), t a multiple of 1/16, so that the large exponent is exact
    // (Cody's device: it keeps the tail's relative error at the level of the rational approximation).
    private static double ExpMinusSquare(double y)
    {
        double t = Math.Truncate(16.0 * y) / 16.0;
        double del = (y - t) * (y + t);
        return Math.Exp(-t * t) * Math.Exp(-del);
    }

    private const double OneOverSqrtPi = 5.6418958354775628695e-1;

    private static readonly double[] A =
    [
        3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
        3.20937758913846947e03, 1.85777706184603153e-1,
    ];

    private static readonly double[] B =
    [
        2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
        2.84423683343917062e03,
    ];

    private static readonly double[] C =
    [
        5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
        2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
        2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8,
    ];

    private static readonly double[] D =
    [
        1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
        1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
        3.43936767414372164e03, 1.23033935480374942e03,
    ];

    private static readonly double[] P =
    [
        3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
        1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2,
    ];

    private static readonly double[] Q =
    [
        2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
        6.05183413124413191e-2, 2.33520497626869185e-3,
    ];
}
