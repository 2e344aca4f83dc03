namespace NeuroLens.Entanglement.Expansion;

/// <summary>What expanding one linear layer achieved on its calibration inputs.</summary>
/// <param name="Experts">K.</param>
/// <param name="Sparsity">Requested sparsity of every expert.</param>
/// <param name="Achieved">Measured fraction of zero weights over all experts.</param>
/// <param name="ReconstructionError">Σ_c ‖(W − Ŵ_c) X_c‖²_F / ‖W X‖²_F, X_c the tokens of cluster c (k-means labels); bias excluded.</param>
/// <param name="TokensPerExpert">Calibration tokens of each cluster.</param>
/// <param name="DampingRetries">Cholesky retries summed over the experts.</param>
public sealed record ExpansionLayerReport(int Experts, string Sparsity, double Achieved, double ReconstructionError, long[] TokensPerExpert, int DampingRetries);
