using NeuroLens.Core;
using NeuroLens.Entanglement.Pruning;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Tests;

public sealed class PruningTests
{
    private static (Tensor W, Tensor X) Random(long rows = 48, long columns = 120, long tokens = 400, int seed = 1)
    {
        using var generator = new TorchSharp.torch.Generator((ulong)seed);
        var w = randn([rows, columns], generator: generator);
        // Correlated inputs with a few large-scale features, as in transformer activations.
        using var mix = randn([columns, columns], generator: generator) * 0.3f + eye(columns);
        using var scale = ones(columns);
        scale.narrow(0, 0, 4).fill_(8f);
        var x = randn([tokens, columns], generator: generator).matmul(mix) * scale;
        return (w, x);
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in new[] { "magnitude", "wanda", "sparsegpt" })
            foreach (var sparsity in new[] { "0.5", "0.7", "0.9", "2:4", "4:8" })
                data.Add(method, sparsity);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AchievesExactlyTheRequestedSparsityAndAValidNMPattern(string method, string sparsityText)
    {
        var (w, x) = Random();
        using var _w = w;
        using var _x = x;
        var sparsity = SparsitySpec.Parse(sparsityText);
        var options = new PruningOptions { Method = Enum.Parse<PruningMethod>(method, ignoreCase: true), Sparsity = sparsity, BlockSize = 32 };
        var (pruned, report) = LayerPruner.Prune(w, x, options);
        using var _p = pruned;
        long zeros = pruned.eq(0).sum().item<long>();
        Assert.Equal((long)Math.Round(sparsity.Fraction * w.numel()), zeros);
        Assert.Equal(zeros / (double)w.numel(), report.Achieved);
        if (sparsity.IsNM)
        {
            using var perGroup = pruned.eq(0).reshape(w.shape[0], -1, sparsity.M).sum(2);
            Assert.True(perGroup.eq(sparsity.N).all().item<bool>());
        }
        // Kept weights: unchanged for magnitude and Wanda, updated by SparseGPT.
        using var kept = pruned.ne(0);
        using var keptDiff = (pruned - w).abs().masked_select(kept).max();
        if (options.Method == PruningMethod.SparseGpt) Assert.True(keptDiff.item<float>() > 1e-3);
        else Assert.Equal(0f, keptDiff.item<float>());
        Assert.InRange(report.ReconstructionError, 0, 1.5);
    }

    [Fact]
    public void MagnitudePerLayerKeepsTheLargestWeightsOfTheWholeMatrix()
    {
        using var w = tensor(new float[] { 1, 2, 3, 4, 10, 20, 30, 40 }, [2, 4]);
        using var perLayer = MagnitudePruning.Prune(w, new SparsitySpec(0.5), MagnitudeScope.PerLayer);
        using var perRow = MagnitudePruning.Prune(w, new SparsitySpec(0.5));
        Assert.Equal(new float[] { 0, 0, 0, 0, 10, 20, 30, 40 }, perLayer.data<float>().ToArray());
        Assert.Equal(new float[] { 0, 0, 3, 4, 0, 0, 30, 40 }, perRow.data<float>().ToArray());
    }

    [Fact]
    public void WandaScoresByWeightTimesInputNorm()
    {
        // Column 0 has small weights but a large input norm: Wanda keeps it where magnitude would not.
        using var w = tensor(new float[] { 0.1f, 1, 2, 3 }, [1, 4]);
        using var x = tensor(new float[] { 100, 1, 1, 1, 100, 1, 1, 1 }, [2, 4]);
        using var covariance = InputCovariance.Of(x);
        using var pruned = Wanda.Prune(w, covariance, new SparsitySpec(0.5));
        Assert.Equal(new float[] { 0.1f, 0, 0, 3 }, pruned.data<float>().ToArray());
    }

    [Fact]
    public void SparseGptEqualsExplicitSequentialObsUpdatesInOneBlock()
    {
        // Independent check: with one block the mask is chosen once from the original W by
        // w_j² / [(H_{j:,j:})⁻¹]_00², then for each column j in order the pruned weights move the later
        // columns by the OBS update with the explicit inverse of the trailing Hessian H_{j:,j:} (float64).
        var (w, x) = Random(rows: 6, columns: 10, tokens: 40, seed: 5);
        using var _w = w;
        using var _x = x;
        var sparsity = new SparsitySpec(0.5);
        using var covariance = InputCovariance.Of(x);
        var result = SparseGpt.Prune(w, covariance, sparsity, new PruningOptions { BlockSize = 128 });
        using var got = result.Weight;

        int d = 10, rows = 6;
        using var h = (covariance.Gram.to(ScalarType.Float64) * (2.0 / x.shape[0]));
        h.diagonal().add_(0.01 * h.diagonal().mean().item<double>());
        var trailingInverse = Enumerable.Range(0, d).Select(j => linalg.inv(h.narrow(0, j, d - j).narrow(1, j, d - j))).ToArray();
        double[,] weights = new double[rows, d];
        for (int r = 0; r < rows; r++) for (int c = 0; c < d; c++) weights[r, c] = w[r, c].item<float>();
        var scores = new List<(double Score, int Row, int Column)>();
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < d; c++)
            {
                // U (upper Cholesky factor of H⁻¹) has U_jj² = [(H_{j:,j:})⁻¹]_00: the OBS saliency w²/[H_F⁻¹]_jj.
                double pivot = trailingInverse[c][0, 0].item<double>();
                scores.Add((weights[r, c] * weights[r, c] / pivot, r, c));
            }
        var mask = new bool[rows, d];
        foreach (var s in scores.OrderBy(s => s.Score).ThenBy(s => s.Row * d + s.Column).Take(30)) mask[s.Row, s.Column] = true;
        for (int c = 0; c < d; c++)
        {
            var inv = trailingInverse[c];
            double pivot = inv[0, 0].item<double>();
            for (int r = 0; r < rows; r++)
            {
                if (!mask[r, c]) continue;
                double factor = weights[r, c] / pivot;
                for (int k = c; k < d; k++) weights[r, k] -= factor * inv[0, k - c].item<double>();
                weights[r, c] = 0;
            }
        }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < d; c++)
                Assert.Equal(weights[r, c], got[r, c].item<float>(), 1e-3);
        foreach (var t in trailingInverse) t.Dispose();
    }

    [Fact]
    public void DeadInputsAreZeroedWithTheirWeightColumns()
    {
        var (w, x) = Random(rows: 4, columns: 8, tokens: 32, seed: 7);
        using var _w = w;
        using var _x = x;
        x.narrow(1, 3, 1).zero_();
        using var covariance = InputCovariance.Of(x);
        var result = SparseGpt.Prune(w, covariance, new SparsitySpec(0.25));
        using var _r = result.Weight;
        Assert.Equal(1, result.DeadInputs);
        Assert.Equal(0, result.DampingRetries);
        Assert.True(result.Weight.narrow(1, 3, 1).eq(0).all().item<bool>());
    }

    [Fact]
    public void WideInputsAccumulateTheUpperBlocksAndMirrorThemIntoAFullGram()
    {
        // d_in = 2,300 gives two column blocks (1,150 wide): G[1,0] is never accumulated, only copied from G[0,1].
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(5);
        var batches = new[] { randn([40, 2300], generator: generator), randn([7, 2300], generator: generator).add_(tensor(0.5f)) };
        using var covariance = new InputCovariance(2300);
        covariance.Add(batches[0]);
        var afterFirst = covariance.Gram.clone();
        covariance.Add(batches[1]);
        var x = cat(batches, 0).to(ScalarType.Float64);
        var expected = x.t().matmul(x);
        Assert.Equal(47, covariance.Tokens);
        Assert.True(covariance.Gram.to(ScalarType.Float64).sub(expected).abs().max().item<double>() < 1e-4 * expected.abs().max().item<double>());
        Assert.True(covariance.Gram.sub(covariance.Gram.t()).abs().max().item<float>() == 0f);
        var first = batches[0].to(ScalarType.Float64);
        Assert.True(afterFirst.to(ScalarType.Float64).sub(first.t().matmul(first)).abs().max().item<double>() < 1e-4 * expected.abs().max().item<double>());
    }

    [Fact]
    public void DampingIsRaisedByOnePercentOnCholeskyFailureThenTheLayerIsReported()
    {
        // G with one eigenvalue −0.005 · (2/N)⁻¹: H = (2/N) G is indefinite; λ = 0.01 · mean(diag H) ≈ 0.0087 fixes it.
        using var generator = new TorchSharp.torch.Generator(11);
        using var q = linalg.qr(randn([8, 8], dtype: ScalarType.Float64, generator: generator)).Q;
        using var eigen = tensor(new double[] { 1, 1, 1, 1, 1, 1, 1, -0.005 });
        using var covariance = new InputCovariance(8);
        covariance.Add(zeros(2, 8)); // N = 2: H = G
        using (var g = q.matmul(diag(eigen)).matmul(q.t()).to(ScalarType.Float32)) covariance.Gram.copy_(g);
        using var w = randn([3, 8], generator: generator);
        var options = new PruningOptions { Damping = 0, DampingIncrement = 0.01 };
        var result = SparseGpt.Prune(w, covariance, new SparsitySpec(0.5), options);
        using var _r = result.Weight;
        Assert.Equal(1, result.DampingRetries);
        Assert.Equal(0.01, result.Damping, 12);
        var error = Assert.Throws<NeuroLensException>(() => SparseGpt.Prune(w, covariance, new SparsitySpec(0.5), options with { DampingRetries = 0 }));
        Assert.Contains("not positive definite", error.Message);
    }

    [Theory]
    [InlineData("-0.1")]
    [InlineData("1")]
    [InlineData("4:4")]
    [InlineData("2:x")]
    [InlineData("half")]
    public void RejectsBadSparsity(string text) => Assert.Throws<NeuroLensException>(() => SparsitySpec.Parse(text));

    [Fact]
    public void ParsesFractionsAndPatterns()
    {
        Assert.Equal(new SparsitySpec(0.5, 2, 4), SparsitySpec.Parse("2:4"));
        Assert.Equal("0.7", SparsitySpec.Parse("0.7").ToString());
        Assert.Throws<NeuroLensException>(() => LayerPruner.Prune(ones(2, 6), ones(4, 6), new PruningOptions { Sparsity = SparsitySpec.Parse("2:4") }));
    }
}
