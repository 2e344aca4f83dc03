using NeuroLens.Entanglement.Pruning;

namespace NeuroLens.Entanglement.Expansion;

/// <summary>Settings of <see cref="SparseExpansion"/> (entanglement.md §5); defaults follow the paper.</summary>
public sealed record SparseExpansionOptions
{
    /// <summary>K, the number of experts (k-means clusters). K = 1 is plain SparseGPT. Default 16.</summary>
    public int Experts { get; init; } = 16;

    /// <summary>r: inputs are reduced by PCA to d_in / r components before clustering. Default 32.</summary>
    public int PcaReduction { get; init; } = 32;

    /// <summary>Cluster the raw inputs instead of their PCA projection. Default false.</summary>
    public bool NoPca { get; init; }

    /// <summary>k-means restarts (the lowest inertia is kept). Default 4.</summary>
    public int Restarts { get; init; } = 4;

    /// <summary>k-means seed. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Sparsity and SparseGPT settings of every expert (the method is always SparseGPT). Default 50 %.</summary>
    public PruningOptions Pruning { get; init; } = new();
}
