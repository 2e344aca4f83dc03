using System.Numerics;
using NeuroLens.Core;

namespace NeuroLens.Imaging.Pyramids;

/// <summary>
/// Multi-resolution pyramids (cascade.md §1): level 0 is full resolution and level k is downsampled by
/// r^k along y and x (and z for 3D volumes), each level reduced from the previous one by
/// <see cref="Downsample"/>, so level k has extents ⌈n / r^k⌉, the extents <see cref="ChunkGrid"/> uses.
/// </summary>
public static class Pyramid
{
    /// <summary>An intensity pyramid of <paramref name="levels"/> float32 levels; level 0 is a float copy of the image.</summary>
    /// <param name="image">The full-resolution image or volume.</param>
    /// <param name="levels">Number of levels, ≥ 1 (level 0 included).</param>
    /// <param name="method">Block mean (default) or Gaussian smoothing and subsampling.</param>
    /// <param name="factor">The factor r ≥ 2 between consecutive levels.</param>
    public static IReadOnlyList<Volume<float>> Build<T>(Volume<T> image, int levels, PyramidMethod method = PyramidMethod.BlockMean, int factor = 2)
        where T : unmanaged, INumberBase<T>
    {
        CheckLevels(levels);
        var level0 = new Volume<float>(image.Depth, image.Height, image.Width, image.Channels, image.Dimensions)
        { VoxelSize = (double[])image.VoxelSize.Clone() };
        for (int i = 0; i < image.Data.Length; i++) level0.Data[i] = float.CreateTruncating(image.Data[i]);
        var result = new List<Volume<float>>(levels) { level0 };
        for (int k = 1; k < levels; k++)
            result.Add(method == PyramidMethod.BlockMean
                ? Downsample.BlockMean(result[k - 1], factor)
                : Downsample.Gaussian(result[k - 1], factor));
        return result;
    }

    /// <summary>A label or mask pyramid; level 0 is <paramref name="labels"/> itself (not copied).</summary>
    /// <param name="labels">The full-resolution labels or mask.</param>
    /// <param name="levels">Number of levels, ≥ 1 (level 0 included).</param>
    /// <param name="reduction">OR (any non-zero → 1) or maximum.</param>
    /// <param name="factor">The factor r ≥ 2 between consecutive levels.</param>
    public static IReadOnlyList<Volume<T>> BuildLabels<T>(Volume<T> labels, int levels, LabelReduction reduction = LabelReduction.Any, int factor = 2)
        where T : unmanaged, INumber<T>
    {
        CheckLevels(levels);
        var result = new List<Volume<T>>(levels) { labels };
        for (int k = 1; k < levels; k++)
            result.Add(reduction == LabelReduction.Any ? Downsample.Any(result[k - 1], factor) : Downsample.Max(result[k - 1], factor));
        return result;
    }

    private static void CheckLevels(int levels)
    {
        if (levels < 1)
            throw new NeuroLensException($"a pyramid needs at least 1 level, got {levels}.");
    }
}
