using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Pruning;

/// <summary>Output of <see cref="SparseGpt.Prune(Tensor, InputCovariance, SparsitySpec, PruningOptions?)"/>.</summary>
/// <param name="Weight">Ŵ, d_out × d_in float32 (the caller owns it).</param>
/// <param name="Damping">The damping fraction of mean(diag H) that made H positive definite.</param>
/// <param name="DampingRetries">Cholesky retries needed (0 when the first damping sufficed).</param>
/// <param name="DeadInputs">Input features whose H_jj was 0 (their weight columns were zeroed).</param>
public sealed record SparseGptResult(Tensor Weight, double Damping, int DampingRetries, int DeadInputs);
