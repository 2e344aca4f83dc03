using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Pruning;

/// <summary>
/// Wanda (Sun, Liu, Bair and Kolter, "A Simple and Effective Pruning Approach for Large Language Models",
/// 2023): score S_ij = |W_ij| · ‖X_:,j‖₂ over the calibration tokens, remove the lowest scores of each
/// output row (or the N lowest of every M columns); no weight update.
/// </summary>
public static class Wanda
{
    /// <summary>Returns a pruned copy of <paramref name="weight"/> (d_out × d_in, float32).</summary>
    /// <param name="weight">W.</param>
    /// <param name="covariance">XᵀX of the calibration inputs (only its diagonal is used).</param>
    /// <param name="sparsity">Requested sparsity.</param>
    public static Tensor Prune(Tensor weight, InputCovariance covariance, SparsitySpec sparsity)
    {
        if (weight.dim() != 2 || weight.shape[1] != covariance.Features)
            throw new NeuroLensException($"Wanda: weight must be d_out × {covariance.Features}, got shape [{string.Join(", ", weight.shape)}].");
        using var scope = NewDisposeScope();
        var w = weight.to(ScalarType.Float32, covariance.Gram.device).clone();
        var norms = covariance.Gram.diagonal().clamp_min(TorchScalars.Zero).sqrt(); // ‖X_:,j‖₂
        var scores = w.abs() * norms.unsqueeze(0);
        return w.masked_fill_(PruningMask.PerRow(scores, sparsity), TorchScalars.Of(0.0)).MoveToOuterDisposeScope();
    }
}
