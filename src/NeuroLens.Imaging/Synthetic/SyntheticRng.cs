namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// The generators' own pseudo-random number generator: SplitMix64 (Steele, Lea and Flood 2014), whose
/// output sequence is fixed by its 64-bit state and this code alone, so a seed gives the same image on
/// every .NET version and platform (System.Random makes no such promise). <see cref="Fork"/> derives
/// an independent stream per purpose (noise, placement, texture), so changing one option does not shift
/// the random numbers every later stage sees.
/// </summary>
internal sealed class SyntheticRng
{
    private ulong _state;
    private double? _spareGaussian;

    /// <summary>A generator whose stream is fixed by <paramref name="seed"/> and <paramref name="stream"/>.</summary>
    public SyntheticRng(long seed, ulong stream = 0)
    {
        _state = (ulong)seed * 0xD1B54A32D192ED03UL ^ Mix(stream + 0x9E3779B97F4A7C15UL);
    }

    /// <summary>A new generator for sub-stream <paramref name="stream"/>, independent of this one's position.</summary>
    public SyntheticRng Fork(ulong stream) => new((long)Mix(_state ^ Mix(stream)), stream);

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => n <= 0 ? 0 : (int)((NextUInt64() >> 33) % (ulong)n);

    /// <summary>Standard normal (Marsaglia polar method).</summary>
    public double Gaussian()
    {
        if (_spareGaussian is double spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * f;
        return u * f;
    }

    /// <summary>
    /// A Poisson variate with mean <paramref name="mean"/>: multiplication of uniforms below 30,
    /// Hörmann's transformed rejection (PTRS, 1993) above, both exact.
    /// </summary>
    public int Poisson(double mean)
    {
        if (mean <= 0) return 0;
        if (mean < 30)
        {
            double limit = Math.Exp(-mean), product = NextDouble();
            int k = 0;
            while (product > limit)
            {
                k++;
                product *= NextDouble();
            }
            return k;
        }
        double slam = Math.Sqrt(mean), logLam = Math.Log(mean);
        double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
        double invAlpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = NextDouble() - 0.5, v = NextDouble(), us = 0.5 - Math.Abs(u);
            double k = Math.Floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr) return (int)k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            if (Math.Log(v) + Math.Log(invAlpha) - Math.Log(a / (us * us) + b) <= -mean + k * logLam - LogFactorial(k))
                return (int)k;
        }
    }

    private static double LogFactorial(double k)
    {
        if (k < 10)
        {
            double f = 1;
            for (int i = 2; i <= (int)k; i++) f *= i;
            return Math.Log(f);
        }
        // Stirling's series; error below 1e-10 for k >= 10.
        return (k + 0.5) * Math.Log(k) - k + 0.5 * Math.Log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k * k * k);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
