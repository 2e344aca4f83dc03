using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>A bootstrap confidence interval.</summary>
/// <param name="Estimate">The statistic on the original data.</param>
/// <param name="Lower">Lower bound: the (1 − level)/2 quantile of the bootstrap replicates.</param>
/// <param name="Upper">Upper bound: the (1 + level)/2 quantile of the bootstrap replicates.</param>
/// <param name="ConfidenceLevel">The nominal coverage, for example 0.95.</param>
/// <param name="Resamples">The number of bootstrap replicates B.</param>
public sealed record BootstrapInterval(double Estimate, double Lower, double Upper, double ConfidenceLevel, int Resamples);

/// <summary>
/// Nonparametric bootstrap percentile confidence intervals (Efron): the statistic is recomputed on B
/// resamples drawn with replacement, and the interval is the central <c>level</c> part of the replicates.
/// </summary>
/// <remarks>
/// <para>Percentile convention: bounds are <see cref="SampleQuantile.Linear(ReadOnlySpan{double}, double)"/>
/// (numpy's default linear interpolation) of the B replicates at (1 − level)/2 and (1 + level)/2 — the
/// same as <c>scipy.stats.bootstrap(method="percentile")</c> up to its resampling stream. A NaN replicate
/// makes both bounds NaN.</para>
/// <para>Determinism: the generic and array overloads draw from <see cref="System.Random"/> constructed
/// with the seed; the tensor overload draws row indices with <c>torch.randint</c> from a CPU
/// <c>torch.Generator</c> with the seed. Same inputs and seed, same interval.</para>
/// </remarks>
public static class Bootstrap
{
    /// <summary>Percentile interval for any data type, given its statistic and a way to resample it.</summary>
    /// <typeparam name="TData">The data, for example one sample or several independent samples.</typeparam>
    /// <param name="data">The observed data.</param>
    /// <param name="statistic">T: data → number.</param>
    /// <param name="resample">Returns one bootstrap resample of the data (drawn with replacement), using only
    /// the given random source.</param>
    /// <param name="confidenceLevel">Nominal coverage in (0, 1); default 0.95.</param>
    /// <param name="resamples">B ≥ 1; default 9999 (scipy's default).</param>
    /// <param name="seed">Seed of the <see cref="System.Random"/> passed to <paramref name="resample"/>.</param>
    /// <returns>The estimate and its interval.</returns>
    public static BootstrapInterval PercentileInterval<TData>(
        TData data, Func<TData, double> statistic, Func<TData, Random, TData> resample,
        double confidenceLevel = 0.95, int resamples = 9999, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        ArgumentNullException.ThrowIfNull(resample);
        CheckOptions(confidenceLevel, resamples);
        var random = new Random(seed);
        double estimate = statistic(data);
        var replicates = new double[resamples];
        for (int b = 0; b < resamples; b++) replicates[b] = statistic(resample(data, random));
        return Interval(estimate, replicates, confidenceLevel);
    }

    /// <summary>Percentile interval of a statistic of one sample, resampling its n values with replacement.</summary>
    /// <param name="sample">The sample (n ≥ 1).</param>
    /// <param name="statistic">T(sample), for example the mean. The resample array it receives is reused
    /// for the next resample: copy it to keep it.</param>
    /// <param name="confidenceLevel">Nominal coverage in (0, 1); default 0.95.</param>
    /// <param name="resamples">B ≥ 1; default 9999.</param>
    /// <param name="seed">Seed of the <see cref="System.Random"/> that draws indices (<c>Next(n)</c>, n per resample).</param>
    /// <returns>The estimate and its interval.</returns>
    public static BootstrapInterval PercentileInterval(
        double[] sample, Func<double[], double> statistic,
        double confidenceLevel = 0.95, int resamples = 9999, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if (sample.Length == 0)
            throw new NeuroLensException("Bootstrap.PercentileInterval: the sample is empty; at least one value is needed.");
        var buffer = new double[sample.Length];
        return PercentileInterval(sample, statistic, (s, random) =>
        {
            for (int i = 0; i < buffer.Length; i++) buffer[i] = s[random.Next(s.Length)];
            return buffer;
        }, confidenceLevel, resamples, seed);
    }

    /// <summary>
    /// Percentile interval of a statistic of a tensor whose rows are observations, resampling the n rows
    /// with replacement.
    /// </summary>
    /// <param name="sample">n × … tensor (n ≥ 1).</param>
    /// <param name="statistic">T(rows); tensors it creates are disposed after each resample.</param>
    /// <param name="confidenceLevel">Nominal coverage in (0, 1); default 0.95.</param>
    /// <param name="resamples">B ≥ 1; default 9999.</param>
    /// <param name="seed">Seed of the CPU <c>torch.Generator</c> that draws row indices.</param>
    /// <returns>The estimate and its interval.</returns>
    public static BootstrapInterval PercentileInterval(
        Tensor sample, Func<Tensor, double> statistic,
        double confidenceLevel = 0.95, int resamples = 9999, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        CheckOptions(confidenceLevel, resamples);
        if (sample.dim() < 1 || sample.shape[0] == 0)
            throw new NeuroLensException($"Bootstrap.PercentileInterval: the sample must have at least one row, got shape [{string.Join(", ", sample.shape)}].");
        long n = sample.shape[0];
        double estimate;
        using (NewDisposeScope()) estimate = statistic(sample);
        using var generator = new Generator((ulong)(uint)seed);
        var replicates = new double[resamples];
        for (int b = 0; b < resamples; b++)
        {
            using var scope = NewDisposeScope();
            var rows = torch.randint(n, [n], dtype: ScalarType.Int64, generator: generator).to(sample.device);
            replicates[b] = statistic(sample.index_select(0, rows));
        }
        return Interval(estimate, replicates, confidenceLevel);
    }

    /// <summary>
    /// The percentile interval of bootstrap replicates that the caller computed itself (for example all at
    /// once, as <see cref="Mmd"/> does), with the same quantile convention as the other methods.
    /// </summary>
    /// <param name="estimate">The statistic on the original data.</param>
    /// <param name="replicates">The B ≥ 1 bootstrap replicates (not modified).</param>
    /// <param name="confidenceLevel">Nominal coverage in (0, 1).</param>
    /// <returns>The estimate and its interval.</returns>
    public static BootstrapInterval FromReplicates(double estimate, double[] replicates, double confidenceLevel = 0.95)
    {
        ArgumentNullException.ThrowIfNull(replicates);
        CheckOptions(confidenceLevel, replicates.Length);
        return Interval(estimate, replicates, confidenceLevel);
    }

    private static void CheckOptions(double confidenceLevel, int resamples)
    {
        if (!(confidenceLevel > 0.0 && confidenceLevel < 1.0))
            throw new NeuroLensException($"Bootstrap: confidence level must be strictly between 0 and 1, got {confidenceLevel}.");
        if (resamples < 1)
            throw new NeuroLensException($"Bootstrap: the number of resamples must be at least 1, got {resamples}.");
    }

    private static BootstrapInterval Interval(double estimate, double[] replicates, double confidenceLevel)
    {
        double alpha = 1.0 - confidenceLevel;
        double[] bounds = SampleQuantile.Linear(replicates, [alpha / 2.0, 1.0 - alpha / 2.0]);
        return new BootstrapInterval(estimate, bounds[0], bounds[1], confidenceLevel, replicates.Length);
    }
}
