namespace NeuroLens.Entanglement.Pruning;

/// <summary>One-shot pruning methods (entanglement.md §4).</summary>
public enum PruningMethod
{
    /// <summary>Remove the smallest |W_ij|.</summary>
    Magnitude,

    /// <summary>Wanda (Sun et al. 2023): remove the lowest |W_ij| · ‖X_:,j‖₂ of each output row; no update.</summary>
    Wanda,

    /// <summary>SparseGPT (Frantar and Alistarh 2023): blocked OBS pruning with weight updates from the inputs' Hessian.</summary>
    SparseGpt,
}
