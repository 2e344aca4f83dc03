namespace NeuroLens.Entanglement.Pruning;

/// <summary>What pruning one layer achieved.</summary>
/// <param name="Method">The method used.</param>
/// <param name="Requested">The requested sparsity.</param>
/// <param name="Achieved">Measured fraction of zero weights in Ŵ.</param>
/// <param name="ReconstructionError">‖WX − ŴX‖²_F / ‖WX‖²_F on the calibration inputs (bias excluded).</param>
/// <param name="CalibrationTokens">N, the calibration tokens.</param>
/// <param name="Damping">SparseGPT: the damping fraction used; null for the other methods.</param>
/// <param name="DampingRetries">SparseGPT: Cholesky retries; 0 otherwise.</param>
/// <param name="DeadInputs">SparseGPT: inputs never active in calibration (columns zeroed); 0 otherwise.</param>
public sealed record LayerPruningReport(
    PruningMethod Method,
    string Requested,
    double Achieved,
    double ReconstructionError,
    long CalibrationTokens,
    double? Damping,
    int DampingRetries,
    int DeadInputs);
