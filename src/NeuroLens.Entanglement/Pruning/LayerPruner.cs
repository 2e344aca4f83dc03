using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Pruning;

/// <summary>
/// The layer-level entry point: prune one weight matrix W (d_out × d_in) given its calibration inputs,
/// with any of the three methods, and measure the achieved sparsity and the reconstruction error.
/// Knows nothing of models or files, so any framework's layer can be pruned with it.
/// </summary>
public static class LayerPruner
{
    /// <summary>Prunes W given the calibration inputs X (tokens × d_in).</summary>
    /// <param name="weight">W, d_out × d_in.</param>
    /// <param name="inputs">X, tokens × d_in.</param>
    /// <param name="options">Method, sparsity and SparseGPT settings; null = defaults.</param>
    /// <returns>Ŵ (float32, the caller owns it) and the report.</returns>
    public static (Tensor Weight, LayerPruningReport Report) Prune(Tensor weight, Tensor inputs, PruningOptions? options = null)
    {
        using var covariance = InputCovariance.Of(inputs);
        return Prune(weight, covariance, options);
    }

    /// <summary>Prunes W given the accumulated XᵀX of its calibration inputs.</summary>
    /// <param name="weight">W, d_out × d_in.</param>
    /// <param name="covariance">XᵀX and N.</param>
    /// <param name="options">Method, sparsity and SparseGPT settings; null = defaults.</param>
    public static (Tensor Weight, LayerPruningReport Report) Prune(Tensor weight, InputCovariance covariance, PruningOptions? options = null)
    {
        options ??= new PruningOptions();
        if (weight.dim() != 2 || weight.shape[1] != covariance.Features)
            throw new NeuroLensException($"prune: weight must be d_out × d_in with d_in = {covariance.Features} (the inputs' width), got shape [{string.Join(", ", weight.shape)}].");
        Tensor pruned;
        double? damping = null;
        int retries = 0, dead = 0;
        switch (options.Method)
        {
            case PruningMethod.Magnitude:
                pruned = MagnitudePruning.Prune(weight, options.Sparsity, options.MagnitudeScope);
                break;
            case PruningMethod.Wanda:
                pruned = Wanda.Prune(weight, covariance, options.Sparsity);
                break;
            default:
                var result = SparseGpt.Prune(weight, covariance, options.Sparsity, options);
                (pruned, damping, retries, dead) = (result.Weight, result.Damping, result.DampingRetries, result.DeadInputs);
                break;
        }
        double achieved = pruned.eq(TorchScalars.Zero).sum().item<long>() / (double)pruned.numel();
        double error = covariance.ReconstructionError(weight, pruned);
        return (pruned, new LayerPruningReport(options.Method, options.Sparsity.ToString(), achieved, error, covariance.Tokens, damping, retries, dead));
    }
}
