namespace NeuroLens.Core.Statistics;

/// <summary>Settings of <see cref="GaussianWasserstein.Compute(IColumnBlockSource, GaussianWassersteinOptions?)"/>.</summary>
public sealed record GaussianWassersteinOptions
{
    /// <summary>The N(0,1) reference: midpoint quantiles (default) or one seeded sample.</summary>
    public GaussianReference Reference { get; init; } = GaussianReference.Quantile;

    /// <summary>Seed of the reference sample (<c>torch.Generator(seed)</c>, <c>randn(N)</c> in float64); unused for quantiles. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Memory for the block of columns being sorted: a block of B columns holds B × N floats, so
    /// B = budget / (4N), at least 1 (plus one N-float scratch per thread). Default 512 MiB.
    /// </summary>
    public long MemoryBudgetBytes { get; init; } = 512L << 20;

    /// <summary>Worker threads (≥ 1); 0 means <see cref="Runtime.ComputeSettings.Threads"/>. Default 0.</summary>
    public int Threads { get; init; }
}
