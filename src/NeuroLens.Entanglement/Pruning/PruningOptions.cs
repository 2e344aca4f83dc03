namespace NeuroLens.Entanglement.Pruning;

/// <summary>Settings of <see cref="LayerPruner"/> (entanglement.md §4); defaults follow the SparseGPT paper and code.</summary>
public sealed record PruningOptions
{
    /// <summary>The method. Default SparseGPT.</summary>
    public PruningMethod Method { get; init; } = PruningMethod.SparseGpt;

    /// <summary>The requested sparsity. Default 50 % unstructured.</summary>
    public SparsitySpec Sparsity { get; init; } = new(0.5);

    /// <summary>Magnitude pruning: per output row (default) or over the whole layer. N:M is always per row.</summary>
    public MagnitudeScope MagnitudeScope { get; init; } = MagnitudeScope.PerRow;

    /// <summary>SparseGPT: columns per block B (lazy batch updates and adaptive mask selection). Default 128.</summary>
    public int BlockSize { get; init; } = 128;

    /// <summary>SparseGPT: damping λ as a fraction of mean(diag H) added to the diagonal. Default 0.01.</summary>
    public double Damping { get; init; } = 0.01;

    /// <summary>SparseGPT: on a Cholesky failure <see cref="DampingIncrement"/> × mean(diag H) more is added and the factorisation retried, at most this many times. Default 10.</summary>
    public int DampingRetries { get; init; } = 10;

    /// <summary>SparseGPT: the damping added per retry, as a fraction of mean(diag H). Default 0.01 (1 %).</summary>
    public double DampingIncrement { get; init; } = 0.01;
}
