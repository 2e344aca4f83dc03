using System.Numerics;
using NeuroLens.Core;
using NeuroLens.Core.Runtime;

namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Exact Euclidean distance transform of a binary mask, with the convention of
/// <c>scipy.ndimage.distance_transform_edt</c>: every foreground (non-zero) voxel gets its distance to
/// the nearest background (zero) voxel, background voxels get 0. Computed separably, one 1D lower
/// envelope of parabolas per line and axis (P. F. Felzenszwalb, D. P. Huttenlocher, "Distance
/// Transforms of Sampled Functions", Theory of Computing 8, 2012), in float64, exact for anisotropic
/// voxel sizes. A mask without any background voxel gets +∞ everywhere (and nearest index −1).
/// </summary>
public static class DistanceTransform
{
    /// <summary>The distance of every voxel to the nearest background voxel, float32.</summary>
    /// <param name="mask">A single-channel 2D or 3D mask; non-zero is foreground.</param>
    /// <param name="physicalUnits">Measure in the unit of <see cref="Volume{T}.VoxelSize"/> (scipy's <c>sampling</c>) instead of voxels.</param>
    public static Volume<float> Euclidean<T>(Volume<T> mask, bool physicalUnits = false)
        where T : unmanaged, INumberBase<T> =>
        Compute(mask, physicalUnits, trackNearest: false).Distances;

    /// <summary>
    /// The distance of every voxel to the nearest background voxel, and in <paramref name="nearest"/> the
    /// flat spatial index <c>(z·height + y)·width + x</c> of that background voxel (a background voxel is
    /// its own nearest; ties are broken by the scan, not by a stated rule).
    /// </summary>
    /// <param name="mask">A single-channel 2D or 3D mask; non-zero is foreground.</param>
    /// <param name="nearest">The index of the nearest background voxel (−1 when there is none).</param>
    /// <param name="physicalUnits">Measure in the unit of <see cref="Volume{T}.VoxelSize"/> instead of voxels.</param>
    public static Volume<float> Euclidean<T>(Volume<T> mask, out Volume<int> nearest, bool physicalUnits = false)
        where T : unmanaged, INumberBase<T>
    {
        var (distances, index) = Compute(mask, physicalUnits, trackNearest: true);
        nearest = new Volume<int>(index!, mask.Depth, mask.Height, mask.Width, 1, mask.Dimensions)
        { VoxelSize = (double[])mask.VoxelSize.Clone() };
        return distances;
    }

    private static (Volume<float> Distances, int[]? Nearest) Compute<T>(Volume<T> mask, bool physicalUnits, bool trackNearest)
        where T : unmanaged, INumberBase<T>
    {
        if (mask.Channels != 1)
            throw new NeuroLensException($"distance transform needs a single-channel mask, got {mask.Channels} channels.");
        int n = mask.Data.Length;
        var squared = new double[n];
        int[]? nearest = trackNearest ? new int[n] : null;
        for (int i = 0; i < n; i++)
        {
            bool background = T.IsZero(mask.Data[i]);
            squared[i] = background ? 0 : double.PositiveInfinity;
            if (nearest is not null) nearest[i] = background ? i : -1;
        }
        int[] extent = [mask.Depth, mask.Height, mask.Width];
        int[] stride = [mask.Height * mask.Width, mask.Width, 1];
        for (int axis = 2; axis >= 3 - mask.Dimensions; axis--)
        {
            double spacing = physicalUnits ? mask.VoxelSize[axis] : 1;
            if (!(spacing > 0) || double.IsInfinity(spacing))
                throw new NeuroLensException($"voxel size along axis {axis} (z-y-x) is {spacing}; the distance transform needs positive voxel sizes.");
            TransformAxis(squared, nearest, extent, stride, axis, spacing);
        }
        var distances = new float[n];
        for (int i = 0; i < n; i++) distances[i] = (float)Math.Sqrt(squared[i]);
        var volume = new Volume<float>(distances, mask.Depth, mask.Height, mask.Width, 1, mask.Dimensions)
        { VoxelSize = (double[])mask.VoxelSize.Clone() };
        return (volume, nearest);
    }

    private static void TransformAxis(double[] squared, int[]? nearest, int[] extent, int[] stride, int axis, double spacing)
    {
        int length = extent[axis], step = stride[axis];
        // Lines along `axis` are enumerated by the flat index of their first voxel.
        int lines = squared.Length / length;
        Parallel.For(0, lines, ComputeSettings.ParallelOptions,
            () => new LineBuffers(length),
            (line, _, buffers) =>
            {
                int start = axis switch
                {
                    2 => line * length,
                    1 => line / extent[2] * extent[1] * extent[2] + line % extent[2],
                    _ => line,
                };
                for (int q = 0; q < length; q++)
                {
                    buffers.F[q] = squared[start + q * step];
                    if (nearest is not null) buffers.Index[q] = nearest[start + q * step];
                }
                LowerEnvelope(buffers, length, spacing);
                for (int q = 0; q < length; q++)
                {
                    int p = buffers.Source[q];
                    squared[start + q * step] = buffers.D[q];
                    if (nearest is not null) nearest[start + q * step] = p < 0 ? -1 : buffers.Index[p];
                }
                return buffers;
            },
            _ => { });
    }

    /// <summary>
    /// D[q] = min_p spacing²·(q − p)² + F[p] over the finite F[p]; Source[q] is the minimising p
    /// (−1 when every F is infinite).
    /// </summary>
    private static void LowerEnvelope(LineBuffers b, int n, double spacing)
    {
        double s2 = spacing * spacing;
        int k = -1;
        for (int q = 0; q < n; q++)
        {
            double fq = b.F[q];
            if (double.IsPositiveInfinity(fq)) continue;
            double x = double.NegativeInfinity;
            while (k >= 0)
            {
                int p = b.V[k];
                // Where the parabolas rooted at p and q (p < q) intersect.
                x = (fq - b.F[p] + s2 * ((double)q * q - (double)p * p)) / (2 * s2 * (q - p));
                if (x > b.Z[k]) break;
                k--;
                x = double.NegativeInfinity;
            }
            k++;
            b.V[k] = q;
            b.Z[k] = x;
            b.Z[k + 1] = double.PositiveInfinity;
        }
        if (k < 0)
        {
            Array.Fill(b.D, double.PositiveInfinity, 0, n);
            Array.Fill(b.Source, -1, 0, n);
            return;
        }
        k = 0;
        for (int q = 0; q < n; q++)
        {
            while (b.Z[k + 1] < q) k++;
            int p = b.V[k];
            double dq = q - p;
            b.D[q] = s2 * dq * dq + b.F[p];
            b.Source[q] = p;
        }
    }

    private sealed class LineBuffers(int n)
    {
        public readonly double[] F = new double[n];
        public readonly double[] D = new double[n];
        public readonly double[] Z = new double[n + 1];
        public readonly int[] V = new int[n];
        public readonly int[] Source = new int[n];
        public readonly int[] Index = new int[n];
    }
}
