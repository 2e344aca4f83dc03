namespace NeuroLens.Imaging.Metrics;

/// <summary>
/// Which voxels labelled 0 (unlabelled, background) a segmentation metric leaves out. Tools differ
/// here and the numbers change with it, so it is always explicit.
/// </summary>
public enum IgnoreZero
{
    /// <summary>Count every voxel; 0 is a label like any other (scikit-image's default for VI).</summary>
    None = 0,

    /// <summary>Leave out voxels whose truth label is 0 (CREMI; scikit-image's <c>ignore_labels=(0,)</c>).</summary>
    InTruth = 1,

    /// <summary>Leave out voxels labelled 0 in the truth or in the segmentation (gala).</summary>
    InBoth = 2,
}

/// <summary>Applies an <see cref="IgnoreZero"/> rule to a (segment, truth) label pair.</summary>
internal static class IgnoreZeroRule
{
    public static bool Excludes(this IgnoreZero ignore, ulong segment, ulong truth) => ignore switch
    {
        IgnoreZero.None => false,
        IgnoreZero.InTruth => truth == 0,
        IgnoreZero.InBoth => truth == 0 || segment == 0,
        _ => throw new NeuroLens.Core.NeuroLensException($"ignore rule {(int)ignore} is not None, InTruth or InBoth."),
    };
}
