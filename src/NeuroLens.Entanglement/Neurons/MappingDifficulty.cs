using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Neurons;

/// <summary>
/// Mapping difficulty, the "similar inputs → dissimilar outputs" signature of Wasserstein neurons
/// (entanglement.md §3): over P disjoint random token pairs (a, b),
/// MD_j = mean over pairs of (|y_a − y_b| / N_y) / (‖x_a − x_b‖₂ / N_x), with N_x the largest input
/// distance over the pairs and N_y neuron j's median |y_a − y_b| (linear-interpolation median, as numpy).
/// </summary>
/// <remarks>
/// Pairs come from one seeded permutation of the tokens (<c>torch.randperm</c> with
/// <c>torch.Generator(seed)</c>), consecutive tokens paired, so no token is in two pairs; at most N/2
/// pairs exist. Pairs with identical inputs (‖x_a − x_b‖ = 0) are dropped: their ratio is undefined.
/// Neurons are processed in blocks so memory stays O(P · block).
/// </remarks>
public static class MappingDifficulty
{
    /// <summary>MD of every output neuron.</summary>
    /// <param name="inputs">X, tokens × d_in (the layer's full input vectors).</param>
    /// <param name="outputs">Y, tokens × neurons (pre-activation outputs).</param>
    /// <param name="pairs">P, pairs requested (default 50,000; capped at N/2).</param>
    /// <param name="seed">Seed of the pairing.</param>
    public static MappingDifficultyResult Compute(Tensor inputs, Tensor outputs, int pairs = 50_000, long seed = 0)
    {
        if (inputs.dim() != 2 || outputs.dim() != 2 || inputs.shape[0] != outputs.shape[0])
            throw new NeuroLensException($"MappingDifficulty: inputs (tokens × d_in) and outputs (tokens × neurons) need the same tokens, got [{string.Join(", ", inputs.shape)}] and [{string.Join(", ", outputs.shape)}].");
        if (pairs < 1) throw new NeuroLensException($"MappingDifficulty: pairs must be ≥ 1, got {pairs}.");
        long n = inputs.shape[0];
        long p = Math.Min(pairs, n / 2);
        if (p < 1) throw new NeuroLensException($"MappingDifficulty: at least 2 tokens are needed, got {n}.");
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var order = randperm(n, generator: generator).narrow(0, 0, 2 * p).reshape(p, 2);
        return Compute(inputs, outputs, order[.., 0].contiguous(), order[.., 1].contiguous());
    }

    /// <summary>MD over the given token pairs (a[i], b[i]) (int64 index tensors of equal length).</summary>
    internal static MappingDifficultyResult Compute(Tensor inputs, Tensor outputs, Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var x = inputs.to(ScalarType.Float64);
        var difference = x.index_select(0, a) - x.index_select(0, b);
        var dx = difference.mul(difference).sum(1).sqrt();
        var keep = dx.gt(TorchScalars.Zero).nonzero().squeeze(1);
        a = a.index_select(0, keep);
        b = b.index_select(0, keep);
        dx = dx.index_select(0, keep);
        int used = (int)keep.shape[0];
        long neurons = outputs.shape[1];
        var values = new double[neurons];
        if (used == 0)
        {
            Array.Fill(values, double.NaN);
            return new MappingDifficultyResult(values, 0, 0);
        }
        double nx = dx.max().item<double>();
        using var nxScalar = nx.ToScalar();
        var inputRatio = dx.div(nxScalar).unsqueeze(1); // ‖x_a − x_b‖ / N_x
        long block = Math.Max(1, (64L << 20) / (8L * used));
        for (long start = 0; start < neurons; start += block)
        {
            using var blockScope = NewDisposeScope();
            long count = Math.Min(block, neurons - start);
            var y = outputs.narrow(1, start, count).to(ScalarType.Float64);
            var dy = (y.index_select(0, a) - y.index_select(0, b)).abs();  // P × count
            var ny = dy.quantile(0.5, dim: 0, keepdim: true);
            var md = (dy / ny / inputRatio).mean([0L]);
            md = md.masked_fill(ny.squeeze(0).eq(TorchScalars.Zero), TorchScalars.Of(double.NaN));
            md.data<double>().ToArray().CopyTo(values, start);
        }
        return new MappingDifficultyResult(values, used, nx);
    }
}
