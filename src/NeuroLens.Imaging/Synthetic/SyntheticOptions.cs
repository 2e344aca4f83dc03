using NeuroLens.Core;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// What every generator shares: the image extent and the z anisotropy. Depth 1 gives a 2D image.
/// Physical coordinates used by the generators are (z × <see cref="ZScale"/>, y, x) in xy-voxel units.
/// </summary>
public abstract record SyntheticOptions
{
    /// <summary>Voxels along x.</summary>
    public int Width { get; init; } = 256;

    /// <summary>Voxels along y.</summary>
    public int Height { get; init; } = 256;

    /// <summary>Voxels along z; 1 gives a 2D image.</summary>
    public int Depth { get; init; } = 1;

    /// <summary>z step over xy step (1 = isotropic; about 5–10 for serial-section EM).</summary>
    public double ZScale { get; init; } = 1;

    /// <summary>2 when <see cref="Depth"/> is 1, else 3.</summary>
    public int Dimensions => Depth == 1 ? 2 : 3;

    /// <summary>Throws a <see cref="NeuroLensException"/> naming the first invalid field.</summary>
    public virtual void Validate()
    {
        if (Width < 1 || Height < 1 || Depth < 1)
            throw new NeuroLensException($"synthetic image extent must be positive, got depth {Depth}, height {Height}, width {Width}.");
        if ((long)Width * Height * Depth > 1L << 28)
            throw new NeuroLensException($"synthetic image of {Depth}×{Height}×{Width} voxels is larger than 2^28 voxels, the generators' limit (they hold several full-size arrays); generate a smaller volume.");
        if (!(ZScale > 0))
            throw new NeuroLensException($"ZScale must be positive, got {ZScale}.");
    }
}

/// <summary>
/// How many objects a generator places and where. Exactly one of three modes applies, in this order:
/// <see cref="Count"/> when set, else <see cref="TargetPrevalence"/> when set (objects are added one at a
/// time until the fraction of positive chunks of <see cref="ChunkSize"/> reaches the target), else
/// <see cref="Density"/>. Positions are uniform (complete spatial randomness) or, for a fraction
/// <see cref="Clustering"/> of objects, a Thomas cluster process: Gaussian scatter of sd
/// <see cref="ClusterSpread"/> around one of <see cref="ClusterCount"/> uniform cluster centres. Objects
/// never overlap: a proposal that touches a placed object (or, for organelles, leaves its cell) is rejected
/// and redrawn; a capsule is first shortened to 60 % and then 30 % of its length.
/// </summary>
public sealed record PlacementOptions
{
    /// <summary>Expected objects per 10⁶ voxels (pixels in 2D); the count is Poisson with that mean.</summary>
    public double Density { get; init; } = 150;

    /// <summary>When set, the fraction of positive level-0 chunks to reach (the cascade study's p), in [0, 1].</summary>
    public double? TargetPrevalence { get; init; }

    /// <summary>When set, exactly this many objects (fewer only if placement keeps failing).</summary>
    public int? Count { get; init; }

    /// <summary>Chunk extent per axis, in voxels, for <see cref="TargetPrevalence"/>.</summary>
    public int ChunkSize { get; init; } = 32;

    /// <summary>Fraction of objects placed in clusters, in [0, 1]; 0 = independent uniform positions.</summary>
    public double Clustering { get; init; }

    /// <summary>Number of cluster centres (uniform over the image).</summary>
    public int ClusterCount { get; init; } = 4;

    /// <summary>Standard deviation of the scatter around a cluster centre, in xy voxels.</summary>
    public double ClusterSpread { get; init; } = 20;

    /// <summary>Rejected proposals tolerated per object before placement gives up.</summary>
    public int MaxAttempts { get; init; } = 50;

    /// <summary>Throws a <see cref="NeuroLensException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!(Density >= 0)) throw new NeuroLensException($"Density must be non-negative, got {Density}.");
        if (TargetPrevalence is double p && !(p >= 0 && p <= 1)) throw new NeuroLensException($"TargetPrevalence must lie in [0, 1], got {p}.");
        if (Count is < 0) throw new NeuroLensException($"Count must be non-negative, got {Count}.");
        if (ChunkSize < 1) throw new NeuroLensException($"ChunkSize must be positive, got {ChunkSize}.");
        if (!(Clustering >= 0 && Clustering <= 1)) throw new NeuroLensException($"Clustering must lie in [0, 1], got {Clustering}.");
        if (ClusterCount < 1) throw new NeuroLensException($"ClusterCount must be positive, got {ClusterCount}.");
        if (!(ClusterSpread > 0)) throw new NeuroLensException($"ClusterSpread must be positive, got {ClusterSpread}.");
        if (MaxAttempts < 1) throw new NeuroLensException($"MaxAttempts must be positive, got {MaxAttempts}.");
    }
}
