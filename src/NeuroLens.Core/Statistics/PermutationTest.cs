using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.Statistics;

/// <summary>Outcome of a permutation test.</summary>
/// <param name="Statistic">The observed statistic T_obs.</param>
/// <param name="PValue">p = (1 + Exceedances) / (1 + Permutations); never 0, NaN when T_obs is NaN.</param>
/// <param name="Permutations">P, the number of random permutations evaluated.</param>
/// <param name="Exceedances">How many permuted statistics were at least as extreme as T_obs.</param>
public sealed record PermutationTestResult(double Statistic, double PValue, int Permutations, int Exceedances);

/// <summary>
/// Monte-Carlo permutation tests: the observed statistic is compared with its values on P random
/// rearrangements of the data drawn under the null hypothesis of exchangeability.
/// </summary>
/// <remarks>
/// <para>p-value convention: p = (1 + #{T_perm at least as extreme as T_obs}) / (1 + P), counting the
/// observed arrangement as one of the permutations (Phipson &amp; Smyth 2010; the rule of
/// <c>scipy.stats.permutation_test</c> for random permutations). It is never 0, and with an effect that
/// no permutation reaches it equals 1/(1 + P) exactly.</para>
/// <para>"At least as extreme" allows a relative slack of 100 machine epsilons, |T_obs|·2.2e-14, as
/// scipy does, so that rearrangements equivalent to the observed one count despite rounding differences
/// in the statistic. A NaN permuted statistic never counts.</para>
/// <para>Determinism: the generic and array overloads draw from <see cref="System.Random"/> constructed
/// with the seed (its seeded algorithm is fixed across .NET versions); the tensor overload draws
/// <c>torch.randperm</c> from a <c>torch.Generator</c> with the seed. Same inputs and seed, same result.</para>
/// </remarks>
public static class PermutationTest
{
    /// <summary>A permutation test for any data type, given its statistic and a way to permute it.</summary>
    /// <typeparam name="TData">The data, for example a pair of samples or a paired design.</typeparam>
    /// <param name="data">The observed data.</param>
    /// <param name="statistic">T: data → number.</param>
    /// <param name="permute">Returns a random rearrangement of the data under the null, using only the
    /// given random source (so that the test is reproducible).</param>
    /// <param name="permutations">P ≥ 1, the number of random permutations.</param>
    /// <param name="seed">Seed of the <see cref="System.Random"/> passed to <paramref name="permute"/>.</param>
    /// <param name="alternative">Which direction counts as extreme.</param>
    /// <returns>The observed statistic and its p-value.</returns>
    public static PermutationTestResult Run<TData>(
        TData data, Func<TData, double> statistic, Func<TData, Random, TData> permute,
        int permutations = 1000, int seed = 0, Alternative alternative = Alternative.Greater)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        ArgumentNullException.ThrowIfNull(permute);
        CheckPermutations(permutations);
        var random = new Random(seed);
        double observed = statistic(data);
        int count = 0;
        for (int b = 0; b < permutations; b++)
            if (IsAtLeastAsExtreme(statistic(permute(data, random)), observed, alternative)) count++;
        return Result(observed, count, permutations);
    }

    /// <summary>
    /// Two-sample test: under the null both samples come from one distribution, so the pooled values are
    /// shuffled (Fisher–Yates) and split back into groups of the original sizes.
    /// </summary>
    /// <param name="x">The first sample (length n_x ≥ 1).</param>
    /// <param name="y">The second sample (length n_y ≥ 1).</param>
    /// <param name="statistic">T(x, y), for example the difference of means.</param>
    /// <param name="permutations">P ≥ 1, the number of random permutations.</param>
    /// <param name="seed">Seed of the <see cref="System.Random"/> that shuffles.</param>
    /// <param name="alternative">Which direction counts as extreme.</param>
    /// <returns>The observed statistic and its p-value.</returns>
    public static PermutationTestResult TwoSample(
        double[] x, double[] y, Func<double[], double[], double> statistic,
        int permutations = 1000, int seed = 0, Alternative alternative = Alternative.Greater)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(statistic);
        if (x.Length == 0 || y.Length == 0)
            throw new NeuroLensException($"PermutationTest.TwoSample: both samples need at least one value, got {x.Length} and {y.Length}.");
        double[] pooled = [.. x, .. y];
        return Run(
            (X: x, Y: y),
            d => statistic(d.X, d.Y),
            (_, random) =>
            {
                random.Shuffle(pooled); // Fisher–Yates on the running arrangement: each is uniform
                return (pooled[..x.Length], pooled[x.Length..]);
            },
            permutations, seed, alternative);
    }

    /// <summary>
    /// Two-sample test on tensors whose rows are observations (for example feature vectors): the pooled
    /// rows are permuted with <c>torch.randperm</c> and split back into groups of the original sizes.
    /// </summary>
    /// <param name="x">The first sample, n_x × … (n_x ≥ 1).</param>
    /// <param name="y">The second sample, n_y × … with the same trailing shape (n_y ≥ 1).</param>
    /// <param name="statistic">T(x, y); tensors it creates are disposed after each permutation.</param>
    /// <param name="permutations">P ≥ 1, the number of random permutations.</param>
    /// <param name="seed">Seed of the CPU <c>torch.Generator</c> that draws the permutations.</param>
    /// <param name="alternative">Which direction counts as extreme.</param>
    /// <returns>The observed statistic and its p-value.</returns>
    public static PermutationTestResult TwoSample(
        Tensor x, Tensor y, Func<Tensor, Tensor, double> statistic,
        int permutations = 1000, int seed = 0, Alternative alternative = Alternative.Greater)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        CheckPermutations(permutations);
        if (x.dim() < 1 || y.dim() < 1 || x.shape[0] == 0 || y.shape[0] == 0 || !x.shape.Skip(1).SequenceEqual(y.shape.Skip(1)))
            throw new NeuroLensException(
                $"PermutationTest.TwoSample: x [{string.Join(", ", x.shape)}] and y [{string.Join(", ", y.shape)}] must be non-empty with the same shape after the first (sample) dimension.");
        long nx = x.shape[0], n = nx + y.shape[0];
        double observed;
        using (NewDisposeScope()) observed = statistic(x, y);
        using var generator = new Generator((ulong)(uint)seed);
        using var pooled = torch.cat([x, y.to(x.dtype, x.device)], 0);
        int count = 0;
        for (int b = 0; b < permutations; b++)
        {
            using var scope = NewDisposeScope();
            var order = torch.randperm(n, generator: generator).to(pooled.device);
            var shuffled = pooled.index_select(0, order);
            if (IsAtLeastAsExtreme(statistic(shuffled.narrow(0, 0, nx), shuffled.narrow(0, nx, n - nx)), observed, alternative)) count++;
        }
        return Result(observed, count, permutations);
    }

    /// <summary>
    /// The p-value of an observed statistic against permuted statistics that the caller computed itself
    /// (for example all at once, as <see cref="Mmd"/> does), with the same convention as the other methods:
    /// p = (1 + #{at least as extreme}) / (1 + P), the observed arrangement counted.
    /// </summary>
    /// <param name="observed">T_obs.</param>
    /// <param name="permuted">T on each of the P ≥ 1 random permutations.</param>
    /// <param name="alternative">Which direction counts as extreme.</param>
    /// <returns>The observed statistic and its p-value.</returns>
    public static PermutationTestResult FromPermutedStatistics(
        double observed, ReadOnlySpan<double> permuted, Alternative alternative = Alternative.Greater)
    {
        CheckPermutations(permuted.Length);
        int count = 0;
        foreach (double t in permuted)
            if (IsAtLeastAsExtreme(t, observed, alternative)) count++;
        return Result(observed, count, permuted.Length);
    }

    private const double MachineEpsilon = 2.220446049250313e-16; // 2⁻⁵², the spacing of doubles at 1

    private static void CheckPermutations(int permutations)
    {
        if (permutations < 1)
            throw new NeuroLensException($"PermutationTest: the number of permutations must be at least 1, got {permutations}.");
    }

    private static bool IsAtLeastAsExtreme(double permuted, double observed, Alternative alternative)
    {
        double slack = 100 * MachineEpsilon * Math.Abs(observed);
        return alternative switch
        {
            Alternative.Greater => permuted >= observed - slack,
            Alternative.Less => permuted <= observed + slack,
            Alternative.TwoSided => Math.Abs(permuted) >= Math.Abs(observed) - slack,
            _ => throw new NeuroLensException($"PermutationTest: unknown alternative {alternative}."),
        };
    }

    private static PermutationTestResult Result(double observed, int count, int permutations) =>
        new(observed, double.IsNaN(observed) ? double.NaN : (1.0 + count) / (1.0 + permutations), permutations, count);
}
