namespace NeuroLens.Imaging.Pyramids;

/// <summary>How a label or mask pyramid reduces one level to the next.</summary>
public enum LabelReduction
{
    /// <summary><see cref="Downsample.Any{T}"/>: 1 when any voxel of the block is non-zero (OR).</summary>
    Any,
    /// <summary><see cref="Downsample.Max{T}"/>: the largest value of the block.</summary>
    Max,
}
