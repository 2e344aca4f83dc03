using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Pruning;

/// <summary>
/// The part of SparseGPT that depends only on the calibration inputs (<see cref="SparseGpt.Factor"/>): U, the upper
/// Cholesky factor of the damped H⁻¹, the dead inputs (H_jj = 0) and the damping that was needed. Owns its tensors.
/// </summary>
/// <param name="Upper">U, d_in × d_in float32, upper triangular, H⁻¹ = UᵀU.</param>
/// <param name="Dead">Dead inputs, d_in booleans.</param>
/// <param name="DeadCount">How many inputs are dead.</param>
/// <param name="Damping">The damping fraction of mean(diag H) that made H positive definite.</param>
/// <param name="Retries">Cholesky retries needed.</param>
internal sealed record SparseGptFactor(Tensor Upper, Tensor Dead, int DeadCount, double Damping, int Retries) : IDisposable
{
    /// <summary>Frees U and the dead-input mask.</summary>
    public void Dispose()
    {
        Upper.Dispose();
        Dead.Dispose();
    }
}
