using NeuroLens.Core.Runtime;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// Random fields the generators share: smooth fields (illumination, warps), filtered-noise textures and
/// camera noise. Arrays are one channel, <c>[depth, height, width]</c> in C order; z distances are
/// scaled by <c>zScale</c> (z step over xy step) so that fields are isotropic in physical space.
/// </summary>
internal static class SyntheticFields
{
    /// <summary>
    /// A smooth field: the mean of <paramref name="modes"/> cosines with random directions, phases and
    /// wavelengths between 1 and 2 × <paramref name="wavelength"/> (in xy voxels), scaled to lie in
    /// [−1, 1]. In 2D the directions stay in the y-x plane.
    /// </summary>
    public static float[] Smooth(SyntheticRng rng, int depth, int height, int width, double zScale, double wavelength, int modes = 6)
    {
        var waves = RandomWaves(rng, depth > 1, wavelength, modes);
        var field = new float[(long)depth * height * width];
        Parallel.For(0, depth * height, ComputeSettings.ParallelOptions, row =>
        {
            int z = row / height, y = row % height;
            long offset = (long)row * width;
            for (int x = 0; x < width; x++)
                field[offset + x] = (float)Evaluate(waves, z * zScale, y, x);
        });
        return field;
    }

    /// <summary>Random plane waves (kz, ky, kx, phase, amplitude) for <see cref="Evaluate"/>.</summary>
    public static double[][] RandomWaves(SyntheticRng rng, bool threeD, double wavelength, int modes)
    {
        var waves = new double[modes][];
        for (int m = 0; m < modes; m++)
        {
            double k = 2 * Math.PI / (wavelength * rng.Uniform(1, 2));
            double phi = rng.Uniform(0, 2 * Math.PI);
            double cosTheta = threeD ? rng.Uniform(-1, 1) : 0, sinTheta = Math.Sqrt(1 - cosTheta * cosTheta);
            waves[m] = [k * cosTheta, k * sinTheta * Math.Sin(phi), k * sinTheta * Math.Cos(phi), rng.Uniform(0, 2 * Math.PI), 1.0 / modes];
        }
        return waves;
    }

    /// <summary>The sum of the waves at physical point (z, y, x); lies in [−1, 1].</summary>
    public static double Evaluate(double[][] waves, double z, double y, double x)
    {
        double sum = 0;
        foreach (var w in waves) sum += w[4] * Math.Cos(w[0] * z + w[1] * y + w[2] * x + w[3]);
        return sum;
    }

    /// <summary>
    /// Gaussian white noise blurred with per-axis sigmas (voxels), rescaled to zero mean and unit standard
    /// deviation: a texture whose power spectrum is a Gaussian of width 1/(2πσ).
    /// </summary>
    public static float[] FilteredNoise(SyntheticRng rng, int depth, int height, int width, double sigmaZ, double sigmaY, double sigmaX)
    {
        var noise = new float[(long)depth * height * width];
        for (long i = 0; i < noise.LongLength; i++) noise[i] = (float)rng.Gaussian();
        SyntheticBlur.Blur(noise, depth, height, width, sigmaZ, sigmaY, sigmaX);
        Standardise(noise);
        return noise;
    }

    /// <summary>Rescales to zero mean and unit standard deviation (a constant array becomes zeros).</summary>
    public static void Standardise(float[] values)
    {
        double sum = 0, sumSq = 0;
        foreach (float v in values)
        {
            sum += v;
            sumSq += (double)v * v;
        }
        double mean = sum / values.Length, sd = Math.Sqrt(Math.Max(0, sumSq / values.Length - mean * mean));
        float scale = sd > 1e-12 ? (float)(1 / sd) : 0f;
        for (long i = 0; i < values.LongLength; i++) values[i] = (float)((values[i] - mean) * scale);
    }

    /// <summary>
    /// Camera noise on an image with values in [0, 1]: photon shot noise (a Poisson count with mean
    /// <paramref name="photons"/> × value, divided back by <paramref name="photons"/>; no shot noise when
    /// photons ≤ 0) plus Gaussian read noise of standard deviation <paramref name="readNoise"/>; the
    /// result is clipped to [0, 1].
    /// </summary>
    public static void CameraNoise(float[] image, SyntheticRng rng, double photons, double readNoise)
    {
        for (long i = 0; i < image.LongLength; i++)
        {
            double v = Math.Clamp((double)image[i], 0, 1);
            if (photons > 0) v = rng.Poisson(photons * v) / photons;
            if (readNoise > 0) v += readNoise * rng.Gaussian();
            image[i] = (float)Math.Clamp(v, 0, 1);
        }
    }
}
