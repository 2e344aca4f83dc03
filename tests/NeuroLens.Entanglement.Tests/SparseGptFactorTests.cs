using NeuroLens.Entanglement.Pruning;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Tests;

/// <summary>
/// The inverse-Hessian factor by Cholesky of the index-reversed H and one triangular inverse, against the reference
/// route (Cholesky → cholesky_inverse → Cholesky, upper) computed here.
/// </summary>
public sealed class SparseGptFactorTests
{
    // A random SPD matrix shaped like a Hessian: (2/N) XᵀX of correlated inputs with a few large features.
    private static Tensor Hessian(long d, long tokens, int seed)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        using var mix = randn([d, d], generator: generator) * 0.3f + eye(d);
        using var scale = ones(d);
        scale.narrow(0, 0, Math.Min(4, d)).fill_(8f);
        using var x = randn([tokens, d], generator: generator).matmul(mix) * scale;
        return x.t().matmul(x) * (2f / tokens);
    }

    // The reference route with the same damping: Cholesky(H + λI) → inverse from the factor → upper Cholesky.
    private static Tensor ReferenceFactor(Tensor h, double fraction)
    {
        using var damped = h.clone();
        damped.diagonal().add_(fraction * h.diagonal().mean().item<float>());
        using var lower = linalg.cholesky(damped);
        using var inverse = cholesky_inverse(lower);
        return linalg.cholesky(inverse).t().contiguous();
    }

    [Theory]
    [InlineData(7, 50, 1)]      // below the recursion threshold: one triangular solve
    [InlineData(300, 900, 2)]   // one level of halving (150 + 150)
    [InlineData(700, 500, 3)]   // fewer tokens than inputs (rank-deficient, damping does the work), two levels, odd halves
    public void EqualsCholeskyOfTheInverse(long d, long tokens, int seed)
    {
        using var h = Hessian(d, tokens, seed);
        using var reference = ReferenceFactor(h, 0.01);
        var (factor, damping, retries) = SparseGpt.InverseFactor(h.clone(), new PruningOptions());
        using var _f = factor;
        Assert.Equal(0.01, damping);
        Assert.Equal(0, retries);
        Assert.Equal(reference.shape, factor.shape);
        using var lowerPart = factor.tril(-1);
        Assert.Equal(0f, lowerPart.abs().max().item<float>()); // upper triangular
        using var difference = (factor - reference).abs().max();
        double scale = reference.abs().max().item<float>();
        Assert.True(difference.item<float>() <= 1e-5 * scale, $"max |U − U_ref| = {difference.item<float>()}, max |U_ref| = {scale}");

        // And UᵀU is the inverse of the damped H, in float64.
        using var h64 = h.to(ScalarType.Float64);
        h64.diagonal().add_(0.01 * h.diagonal().mean().item<float>());
        using var u64 = factor.to(ScalarType.Float64);
        using var product = u64.t().matmul(u64).matmul(h64) - eye(d, dtype: ScalarType.Float64);
        Assert.True(product.abs().max().item<double>() < 1e-3);
    }

    [Fact]
    public void PruningWithTheNewFactorEqualsPruningWithTheReferenceFactor()
    {
        // Same layer, the same dead-input handling and block loop: only the factor's route differs.
        const long d = 384, rows = 40;
        using var generator = new TorchSharp.torch.Generator(9);
        using var x = randn([1000, d], generator: generator).matmul(randn([d, d], generator: generator) * 0.2f + eye(d));
        using var w = randn([rows, d], generator: generator);
        using var covariance = InputCovariance.Of(x);
        foreach (var sparsity in new[] { new SparsitySpec(0.5), new SparsitySpec(0.9), SparsitySpec.Parse("2:4") })
        {
            var options = new PruningOptions { Sparsity = sparsity };
            var result = SparseGpt.Prune(w, covariance, sparsity, options);
            using var got = result.Weight;
            using var h = covariance.Gram * (2f / covariance.Tokens);
            using var factor = new SparseGptFactor(ReferenceFactor(h, 0.01), zeros(d, dtype: ScalarType.Bool), 0, 0.01, 0);
            var expected = SparseGpt.Prune(w, factor, sparsity, options);
            using var want = expected.Weight;
            using var differentMask = got.eq(0).ne(want.eq(0)).sum();
            Assert.True(differentMask.item<long>() <= rows * d / 1000, $"{sparsity}: {differentMask.item<long>()} mask entries differ");
            using var gotError = (got - w).matmul(covariance.Gram).mul(got - w).sum();
            using var wantError = (want - w).matmul(covariance.Gram).mul(want - w).sum();
            Assert.Equal(wantError.item<float>(), gotError.item<float>(), wantError.item<float>() * 1e-3);
        }
    }
}
