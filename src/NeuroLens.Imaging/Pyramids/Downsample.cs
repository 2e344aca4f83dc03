using System.Numerics;
using NeuroLens.Core;
using NeuroLens.Core.Runtime;
using NeuroLens.Imaging.Filters;

namespace NeuroLens.Imaging.Pyramids;

/// <summary>
/// One pyramid step: downsampling by an integer factor r along y and x, and along z only for 3D
/// volumes, channel by channel. Output extents are ⌈n / r⌉; output voxel i covers input voxels
/// [r·i, r·i + r) clipped to the input, so where an extent does not divide, the last block is partial
/// and is reduced over only the voxels it holds (never padded). The voxel size of downsampled axes is
/// multiplied by r.
/// </summary>
public static class Downsample
{
    /// <summary>Block mean (computed in float64, returned as float32): each output voxel is the mean of its block.</summary>
    /// <param name="image">The image or volume.</param>
    /// <param name="factor">The factor r ≥ 2.</param>
    public static Volume<float> BlockMean<T>(Volume<T> image, int factor = 2) where T : unmanaged, INumberBase<T>
    {
        var result = Create<T, float>(image, factor);
        int r = factor, rz = image.Dimensions == 3 ? r : 1, w = image.Width, ow = result.Width;
        Parallel.For(0, result.Channels * result.Depth * result.Height, ComputeSettings.ParallelOptions,
            () => new double[ow],
            (row, _, sums) =>
            {
                var (c, oz, oy) = Split(row, result);
                Array.Clear(sums);
                int z1 = Math.Min(image.Depth, oz * rz + rz), y1 = Math.Min(image.Height, oy * r + r);
                for (int z = oz * rz; z < z1; z++)
                    for (int y = oy * r; y < y1; y++)
                    {
                        var line = image.Data.AsSpan(checked((int)image.Index(z, y, 0, c)), w);
                        for (int x = 0; x < w; x++) sums[x / r] += double.CreateTruncating(line[x]);
                    }
                int rows = (z1 - oz * rz) * (y1 - oy * r);
                var output = result.Data.AsSpan(checked((int)result.Index(oz, oy, 0, c)), ow);
                for (int ox = 0; ox < ow; ox++)
                    output[ox] = (float)(sums[ox] / (rows * (Math.Min(w, ox * r + r) - ox * r)));
                return sums;
            },
            _ => { });
        return result;
    }

    /// <summary>
    /// Gaussian smoothing then subsampling: output voxel i is the smoothed input at voxel r·i (the first
    /// voxel of its block, not its centre). The smoothing uses <see cref="GaussianFilter"/> ('reflect'
    /// border, 4σ truncation) on the downsampled axes only.
    /// </summary>
    /// <param name="image">The image or volume.</param>
    /// <param name="factor">The factor r ≥ 2.</param>
    /// <param name="sigma">Anti-aliasing σ in voxels; default r/3 (scikit-image's <c>pyramid_reduce</c>: 2r/6).</param>
    public static Volume<float> Gaussian<T>(Volume<T> image, int factor = 2, double? sigma = null) where T : unmanaged, INumberBase<T>
    {
        var result = Create<T, float>(image, factor);
        double s = sigma ?? factor / 3.0;
        var smooth = GaussianFilter.Smooth(image, image.Dimensions == 3 ? [s, s, s] : [s, s]);
        int r = factor, rz = image.Dimensions == 3 ? r : 1;
        for (int c = 0; c < result.Channels; c++)
            for (int oz = 0; oz < result.Depth; oz++)
                for (int oy = 0; oy < result.Height; oy++)
                    for (int ox = 0; ox < result.Width; ox++)
                        result[oz, oy, ox, c] = smooth[oz * rz, oy * r, ox * r, c];
        return result;
    }

    /// <summary>Mask downsampling by OR: an output voxel is 1 when any voxel of its block is non-zero, else 0.</summary>
    /// <param name="mask">The mask or label volume.</param>
    /// <param name="factor">The factor r ≥ 2.</param>
    public static Volume<T> Any<T>(Volume<T> mask, int factor = 2) where T : unmanaged, INumber<T> =>
        Reduce(mask, factor, any: true);

    /// <summary>Label downsampling by maximum: an output voxel holds the largest value of its block.</summary>
    /// <param name="labels">The label volume.</param>
    /// <param name="factor">The factor r ≥ 2.</param>
    public static Volume<T> Max<T>(Volume<T> labels, int factor = 2) where T : unmanaged, INumber<T> =>
        Reduce(labels, factor, any: false);

    private static Volume<T> Reduce<T>(Volume<T> image, int factor, bool any) where T : unmanaged, INumber<T>
    {
        var result = Create<T, T>(image, factor);
        int r = factor, rz = image.Dimensions == 3 ? r : 1, w = image.Width, ow = result.Width;
        Parallel.For(0, result.Channels * result.Depth * result.Height, ComputeSettings.ParallelOptions, row =>
        {
            var (c, oz, oy) = Split(row, result);
            var output = result.Data.AsSpan(checked((int)result.Index(oz, oy, 0, c)), ow);
            bool first = true;
            int z1 = Math.Min(image.Depth, oz * rz + rz), y1 = Math.Min(image.Height, oy * r + r);
            for (int z = oz * rz; z < z1; z++)
                for (int y = oy * r; y < y1; y++)
                {
                    var line = image.Data.AsSpan(checked((int)image.Index(z, y, 0, c)), w);
                    for (int x = 0; x < w; x++)
                    {
                        T v = any ? (T.IsZero(line[x]) ? T.Zero : T.One) : line[x];
                        ref T o = ref output[x / r];
                        if ((first && x % r == 0) || v > o) o = v;
                    }
                    first = false;
                }
        });
        return result;
    }

    private static Volume<TOut> Create<T, TOut>(Volume<T> image, int factor) where T : unmanaged where TOut : unmanaged
    {
        if (factor < 2)
            throw new NeuroLensException($"downsampling factor must be an integer ≥ 2, got {factor}.");
        bool z = image.Dimensions == 3;
        var size = (double[])image.VoxelSize.Clone();
        if (z) size[0] *= factor;
        size[1] *= factor;
        size[2] *= factor;
        return new Volume<TOut>(z ? Ceil(image.Depth, factor) : 1, Ceil(image.Height, factor), Ceil(image.Width, factor),
            image.Channels, image.Dimensions) { VoxelSize = size };
    }

    internal static int Ceil(int n, int r) => (n + r - 1) / r;

    private static (int C, int Z, int Y) Split<T>(int row, Volume<T> v) where T : unmanaged =>
        (row / (v.Depth * v.Height), row / v.Height % v.Depth, row % v.Height);
}
