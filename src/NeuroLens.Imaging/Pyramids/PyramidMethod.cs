namespace NeuroLens.Imaging.Pyramids;

/// <summary>How an intensity pyramid reduces one level to the next.</summary>
public enum PyramidMethod
{
    /// <summary><see cref="Downsample.BlockMean{T}"/>: mean of each r×r(×r) block.</summary>
    BlockMean,
    /// <summary><see cref="Downsample.Gaussian{T}"/>: Gaussian smoothing (σ = r/3), then every r-th voxel.</summary>
    Gaussian,
}
