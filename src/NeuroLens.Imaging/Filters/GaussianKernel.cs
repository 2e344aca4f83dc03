namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Sampled one-dimensional Gaussian kernels and their first and second derivatives, exactly as
/// <c>scipy.ndimage._gaussian_kernel1d</c>: the Gaussian is sampled at integer offsets −r..r with
/// r = ⌊truncate·σ + 0.5⌋ (truncate = 4 by default, scipy's), normalised to sum 1, and the derivative
/// kernels are the analytic derivatives of that normalised sampled Gaussian
/// (order 1: −x/σ²·g, order 2: (x²/σ⁴ − 1/σ²)·g). They are not moment-normalised as vigra's are, and
/// not scale-normalised (no σⁿ factor), as in ilastik's features.
/// </summary>
public static class GaussianKernel
{
    /// <summary>Kernels are cut off at this many standard deviations (scipy.ndimage's default).</summary>
    public const double DefaultTruncate = 4.0;

    /// <summary>The kernel radius r = ⌊truncate·σ + 0.5⌋ (scipy's rule).</summary>
    public static int Radius(double sigma, double truncate = DefaultTruncate)
    {
        Validate(sigma, truncate);
        return (int)(truncate * sigma + 0.5);
    }

    /// <summary>
    /// The convolution kernel <c>k[j + r]</c> = g⁽ⁿ⁾(j) for j = −r..r, n = <paramref name="order"/>
    /// (0, 1 or 2). Convolving a signal with it (<c>out[i] = Σ_j k(j)·in[i − j]</c>) gives the smoothed
    /// signal or its derivative with the usual sign.
    /// </summary>
    public static double[] Create(double sigma, int order = 0, double truncate = DefaultTruncate)
    {
        if (order is < 0 or > 2)
            throw new Core.NeuroLensException($"Gaussian derivative order {order} is not supported; expected 0, 1 or 2.");
        int r = Radius(sigma, truncate);
        var k = new double[2 * r + 1];
        double s2 = sigma * sigma, sum = 0;
        for (int j = -r; j <= r; j++)
        {
            k[j + r] = Math.Exp(-0.5 / s2 * j * j);
            sum += k[j + r];
        }
        for (int j = -r; j <= r; j++)
        {
            double g = k[j + r] / sum;
            k[j + r] = order switch
            {
                0 => g,
                1 => -j / s2 * g,
                _ => (j * (double)j / (s2 * s2) - 1 / s2) * g,
            };
        }
        return k;
    }

    private static void Validate(double sigma, double truncate)
    {
        if (!(sigma > 0) || double.IsInfinity(sigma))
            throw new Core.NeuroLensException($"Gaussian sigma must be a positive finite number, got {sigma}.");
        if (!(truncate > 0) || double.IsInfinity(truncate))
            throw new Core.NeuroLensException($"Gaussian truncate must be a positive finite number of sigmas, got {truncate}.");
    }
}
