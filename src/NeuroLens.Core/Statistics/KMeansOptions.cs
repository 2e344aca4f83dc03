namespace NeuroLens.Core.Statistics;

/// <summary>Settings of <see cref="KMeans.Fit"/>; the defaults follow scikit-learn's <c>KMeans</c>.</summary>
public sealed record KMeansOptions
{
    /// <summary>K, the number of clusters (1 ≤ K ≤ number of samples). Default 8.</summary>
    public int Clusters { get; init; } = 8;

    /// <summary>Independent runs (k-means++ initialisation and Lloyd iterations); the run with the lowest
    /// inertia is kept, the earliest on a tie. sklearn's <c>n_init</c>. Default 10.</summary>
    public int Restarts { get; init; } = 10;

    /// <summary>Maximum Lloyd iterations per run. Default 300.</summary>
    public int MaxIterations { get; init; } = 300;

    /// <summary>
    /// Relative tolerance: a run stops when the summed squared movement of the centroids in one iteration
    /// is at most <c>Tolerance</c> × the mean over features of the data's (population) variance — sklearn's
    /// <c>tol</c>. A run also stops when no label changes. 0 means only the latter. Default 1e-4.
    /// </summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Seed of the <see cref="System.Random"/> that drives every run's initialisation. Default 0.</summary>
    public int Seed { get; init; } = 0;

    /// <summary>
    /// Rows per block in distance computations: a block needs about BlockRows × (d + K) doubles, so
    /// memory stays bounded for any number of samples. Results do not depend on it beyond rounding of sums.
    /// Default 16384.
    /// </summary>
    public int BlockRows { get; init; } = 16_384;
}
