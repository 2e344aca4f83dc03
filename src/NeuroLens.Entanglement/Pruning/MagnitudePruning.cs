using NeuroLens.Core.Runtime;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Pruning;

/// <summary>Magnitude pruning: zero the weights of smallest |W_ij|, per output row or over the whole layer.</summary>
public static class MagnitudePruning
{
    /// <summary>Returns a pruned copy of <paramref name="weight"/> (d_out × d_in, float32).</summary>
    /// <param name="weight">W.</param>
    /// <param name="sparsity">Requested sparsity (N:M is always per row).</param>
    /// <param name="scope">Per row (default) or per layer.</param>
    public static Tensor Prune(Tensor weight, SparsitySpec sparsity, MagnitudeScope scope = MagnitudeScope.PerRow)
    {
        using var dispose = NewDisposeScope();
        var w = weight.to(ScalarType.Float32).clone();
        var scores = w.abs();
        var mask = scope == MagnitudeScope.PerLayer ? PruningMask.PerLayer(scores, sparsity) : PruningMask.PerRow(scores, sparsity);
        return w.masked_fill_(mask, TorchScalars.Of(0.0)).MoveToOuterDisposeScope();
    }
}
