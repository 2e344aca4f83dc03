using System.Runtime.CompilerServices;
using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>
/// The 1-Wasserstein distance between each standardised column of a tokens × neurons matrix and the
/// standard normal distribution — the "Wasserstein neuron" score of Sawmya et al., "Wasserstein
/// Distances, Neuronal Entanglement, and Sparsity" (see entanglement.md §2).
/// </summary>
/// <remarks>
/// <para>For column y (N values): z = (y − mean(y)) / std(y) with the population standard deviation
/// (divisor N), and WD = (1/N) Σ_i |z_(i) − r_i| with z_(i) the sorted values and r_i the sorted reference:
/// q_i = Φ⁻¹((i − ½)/N) by default (then WD equals <c>scipy.stats.wasserstein_distance(z, q)</c>), or one
/// N(0,1) sample of size N drawn with the seed, sorted once and shared by all columns (the paper).</para>
/// <para>A constant column (std = 0) or one holding NaN/±∞ gets NaN and is listed in the result; nothing
/// throws. Sorting y sorts z (the map is increasing), so each column is sorted once, as float32, by an
/// O(N) radix sort; means, variances and the sum are in float64. Columns are read in blocks sized to
/// <see cref="GaussianWassersteinOptions.MemoryBudgetBytes"/> from an <see cref="IColumnBlockSource"/>, so
/// captures larger than memory stream from disk shards; columns of a block are processed in parallel.</para>
/// </remarks>
public static class GaussianWasserstein
{
    /// <summary>WD to N(0,1) of every column of an in-memory N × D tensor (N ≥ 2).</summary>
    /// <param name="data">Tokens × neurons, any real type (read as float32).</param>
    /// <param name="options">Settings; null means the defaults.</param>
    public static GaussianWassersteinResult Compute(Tensor data, GaussianWassersteinOptions? options = null) =>
        Compute(new TensorColumnSource(data, ResolveThreads(options)), options);

    /// <summary>WD to N(0,1) of every column of a column-block source (N ≥ 2).</summary>
    /// <param name="source">Tokens × neurons matrix.</param>
    /// <param name="options">Settings; null means the defaults.</param>
    public static GaussianWassersteinResult Compute(IColumnBlockSource source, GaussianWassersteinOptions? options = null)
    {
        options ??= new GaussianWassersteinOptions();
        long n = source.Rows, d = source.Columns;
        if (n < 2)
            throw new NeuroLensException($"GaussianWasserstein: at least 2 rows (tokens) are needed, got {n}.");
        if (n > Array.MaxLength / 2)
            throw new NeuroLensException($"GaussianWasserstein: at most {Array.MaxLength / 2} rows per column are supported, got {n}.");
        if (options.MemoryBudgetBytes < 1)
            throw new NeuroLensException($"GaussianWasserstein: memory budget must be positive, got {options.MemoryBudgetBytes} bytes.");
        int threads = ResolveThreads(options);
        double[] reference = Reference(n, options.Reference, options.Seed);

        var distances = new double[d];
        var means = new double[d];
        var stds = new double[d];
        var constant = new bool[d];
        var nonFinite = new bool[d];
        int rows = (int)n;
        int blockColumns = (int)Math.Clamp(options.MemoryBudgetBytes / (4L * n), 1, Math.Min(d == 0 ? 1 : d, Array.MaxLength / n));
        var block = GC.AllocateUninitializedArray<float>(checked(blockColumns * rows));
        var scratch = new ThreadLocal<(float[] Values, int[] Histograms)>(
            () => (GC.AllocateUninitializedArray<float>(rows), new int[FloatRadixSort.HistogramLength]));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads };
        for (long start = 0; start < d; start += blockColumns)
        {
            int count = (int)Math.Min(blockColumns, d - start);
            source.ReadColumns(start, count, block);
            Parallel.For(0, count, parallel, c =>
            {
                var (values, histograms) = scratch.Value;
                long j = start + c;
                var column = block.AsSpan(c * rows, rows);
                var (mean, std) = MeanStd(column);
                means[j] = mean;
                stds[j] = std;
                if (!double.IsFinite(mean) || !double.IsFinite(std)) { nonFinite[j] = true; distances[j] = double.NaN; return; }
                if (std == 0) { constant[j] = true; distances[j] = double.NaN; return; }
                var sorted = FloatRadixSort.Sort(column, values, histograms);
                distances[j] = MeanAbsoluteDeviation(sorted, reference, mean, std);
            });
        }
        scratch.Dispose();
        return new GaussianWassersteinResult(distances, means, stds,
            Enumerable.Range(0, (int)d).Where(j => constant[j]).ToArray(),
            Enumerable.Range(0, (int)d).Where(j => nonFinite[j]).ToArray(),
            options.Reference);
    }

    /// <summary>
    /// The sorted reference of length N: midpoint quantiles Φ⁻¹((i − ½)/N), or an N(0,1) sample drawn
    /// with <c>torch.Generator(seed)</c> (<c>randn(N)</c>, float64) and sorted.
    /// </summary>
    public static double[] Reference(long count, GaussianReference reference, long seed = 0)
    {
        if (reference == GaussianReference.Quantile)
        {
            using var q = NormalQuantile.OfMidpoints(count);
            return q.data<double>().ToArray();
        }
        using var generator = new Generator((ulong)seed);
        using var sample = torch.randn([count], dtype: ScalarType.Float64, generator: generator);
        using var sorted = sample.sort().Values;
        return sorted.data<double>().ToArray();
    }

    private static int ResolveThreads(GaussianWassersteinOptions? options)
    {
        int threads = options?.Threads ?? 0;
        if (threads < 0) throw new NeuroLensException($"GaussianWasserstein: threads must be ≥ 0, got {threads}.");
        return threads == 0 ? Math.Max(1, ComputeSettings.Threads) : threads;
    }

    // Two-pass mean and population standard deviation in float64.
    private static (double Mean, double Std) MeanStd(ReadOnlySpan<float> column)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= column.Length; i += 4) { s0 += column[i]; s1 += column[i + 1]; s2 += column[i + 2]; s3 += column[i + 3]; }
        for (; i < column.Length; i++) s0 += column[i];
        double mean = (s0 + s1 + s2 + s3) / column.Length;
        double v0 = 0, v1 = 0, v2 = 0, v3 = 0;
        i = 0;
        for (; i + 4 <= column.Length; i += 4)
        {
            double a = column[i] - mean, b = column[i + 1] - mean, c = column[i + 2] - mean, e = column[i + 3] - mean;
            v0 += a * a; v1 += b * b; v2 += c * c; v3 += e * e;
        }
        for (; i < column.Length; i++) { double a = column[i] - mean; v0 += a * a; }
        return (mean, Math.Sqrt((v0 + v1 + v2 + v3) / column.Length));
    }

    // (1/N) Σ |(y_(i) − μ)/σ − r_i| = (1/(Nσ)) Σ |y_(i) − μ − σ r_i|.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double MeanAbsoluteDeviation(ReadOnlySpan<float> sorted, double[] reference, double mean, double std)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0, n = sorted.Length;
        var r = reference.AsSpan(0, n);
        for (; i + 4 <= n; i += 4)
        {
            s0 += Math.Abs(sorted[i] - mean - std * r[i]);
            s1 += Math.Abs(sorted[i + 1] - mean - std * r[i + 1]);
            s2 += Math.Abs(sorted[i + 2] - mean - std * r[i + 2]);
            s3 += Math.Abs(sorted[i + 3] - mean - std * r[i + 3]);
        }
        for (; i < n; i++) s0 += Math.Abs(sorted[i] - mean - std * r[i]);
        return (s0 + s1 + s2 + s3) / (n * std);
    }
}
