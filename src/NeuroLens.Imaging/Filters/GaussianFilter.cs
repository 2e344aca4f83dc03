using System.Numerics;
using NeuroLens.Core;

namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Separable Gaussian smoothing and Gaussian derivative filters over every channel of a volume, matching
/// <c>scipy.ndimage.gaussian_filter</c>: kernels from <see cref="GaussianKernel"/> (truncated at 4σ),
/// boundary mode 'reflect' (the edge voxel is mirrored too: d c b a | a b c d), axes filtered in z-y-x
/// order, σ = 0 leaving an axis untouched. A 2D image is filtered in y and x only. Results are float32,
/// computed in float32 with float64 kernels rounded to float32.
/// </summary>
/// <remarks>
/// σ is given per spatial axis in z-y-x order (y-x for 2D images), in voxels; with
/// <c>physicalUnits</c> it is in the unit of <see cref="Volume{T}.VoxelSize"/> and divided by the voxel
/// size of each axis, and derivatives are then taken with respect to physical coordinates (divided by
/// voxel size^order), so that anisotropic volumes give isotropic features.
/// </remarks>
public static class GaussianFilter
{
    /// <summary>Gaussian smoothing with the same σ on every spatial axis.</summary>
    /// <param name="image">The image or volume (every channel is filtered independently).</param>
    /// <param name="sigma">Standard deviation, in voxels (or physical units).</param>
    /// <param name="physicalUnits">Whether σ is in the unit of the voxel size.</param>
    public static Volume<float> Smooth<T>(Volume<T> image, double sigma, bool physicalUnits = false)
        where T : unmanaged, INumberBase<T> =>
        Smooth(image, Broadcast(image, sigma), physicalUnits);

    /// <summary>Gaussian smoothing with one σ per spatial axis (z-y-x order; y-x for 2D images).</summary>
    /// <param name="image">The image or volume (every channel is filtered independently).</param>
    /// <param name="sigma">Standard deviation per axis, in voxels (or physical units); 0 leaves an axis untouched.</param>
    /// <param name="physicalUnits">Whether σ is in the unit of the voxel size.</param>
    public static Volume<float> Smooth<T>(Volume<T> image, double[] sigma, bool physicalUnits = false)
        where T : unmanaged, INumberBase<T> =>
        Derivative(image, sigma, new int[image.Dimensions], physicalUnits);

    /// <summary>Gaussian derivative with the same σ on every axis; <paramref name="order"/> per axis (0, 1 or 2).</summary>
    /// <param name="image">The image or volume (every channel is filtered independently).</param>
    /// <param name="sigma">Standard deviation, in voxels (or physical units).</param>
    /// <param name="order">Derivative order per axis, z-y-x (y-x for 2D images), each 0, 1 or 2.</param>
    /// <param name="physicalUnits">Whether σ and derivatives are in the unit of the voxel size.</param>
    public static Volume<float> Derivative<T>(Volume<T> image, double sigma, int[] order, bool physicalUnits = false)
        where T : unmanaged, INumberBase<T> =>
        Derivative(image, Broadcast(image, sigma), order, physicalUnits);

    /// <summary>
    /// Gaussian derivative filter: the image convolved with g⁽ⁿᶻ⁾(z)·g⁽ⁿʸ⁾(y)·g⁽ⁿˣ⁾(x), as
    /// <c>scipy.ndimage.gaussian_filter(image, sigma, order)</c>. An axis with σ = 0 must have order 0.
    /// </summary>
    /// <param name="image">The image or volume (every channel is filtered independently).</param>
    /// <param name="sigma">Standard deviation per axis, z-y-x (y-x for 2D images).</param>
    /// <param name="order">Derivative order per axis, z-y-x (y-x for 2D images), each 0, 1 or 2.</param>
    /// <param name="physicalUnits">Whether σ and derivatives are in the unit of the voxel size.</param>
    public static Volume<float> Derivative<T>(Volume<T> image, double[] sigma, int[] order, bool physicalUnits = false)
        where T : unmanaged, INumberBase<T>
    {
        var s = ResolveSigma(image, sigma, physicalUnits);
        var o = ResolveOrder(image, order);
        var result = Filter(AsFloat(image), image, s, o);
        ScaleDerivative(result, image, o, physicalUnits);
        return Wrap(result, image);
    }

    // ---- shared by the feature filters -------------------------------------------------------------

    /// <summary>The voxels as float32: the array itself for float volumes (never written), else a copy.</summary>
    internal static float[] AsFloat<T>(Volume<T> image) where T : unmanaged, INumberBase<T>
    {
        if (image.Data is float[] f) return f;
        var result = new float[image.Data.Length];
        var data = image.Data;
        for (int i = 0; i < data.Length; i++) result[i] = float.CreateTruncating(data[i]);
        return result;
    }

    /// <summary>σ per axis in voxels, always three entries z-y-x (z = 0 for 2D images).</summary>
    internal static double[] ResolveSigma<T>(Volume<T> image, double[] sigma, bool physicalUnits) where T : unmanaged
    {
        if (sigma.Length != image.Dimensions)
            throw new NeuroLensException($"sigma has {sigma.Length} entries; a {image.Dimensions}D volume needs one per axis ({(image.Dimensions == 3 ? "z, y, x" : "y, x")}).");
        var result = new double[3];
        for (int a = 0; a < sigma.Length; a++)
        {
            int axis = a + 3 - image.Dimensions;
            double s = sigma[a];
            if (!(s >= 0) || double.IsInfinity(s))
                throw new NeuroLensException($"sigma[{a}] = {s}: expected a finite value ≥ 0.");
            if (physicalUnits)
            {
                double size = image.VoxelSize[axis];
                if (!(size > 0) || double.IsInfinity(size))
                    throw new NeuroLensException($"voxel size along axis {axis} (z-y-x) is {size}; physical sigma needs a positive voxel size.");
                s /= size;
            }
            result[axis] = s;
        }
        return result;
    }

    /// <summary>Derivative orders per axis, always three entries z-y-x.</summary>
    internal static int[] ResolveOrder<T>(Volume<T> image, int[] order) where T : unmanaged
    {
        if (order.Length != image.Dimensions)
            throw new NeuroLensException($"order has {order.Length} entries; a {image.Dimensions}D volume needs one per axis.");
        var result = new int[3];
        for (int a = 0; a < order.Length; a++)
        {
            if (order[a] is < 0 or > 2)
                throw new NeuroLensException($"order[{a}] = {order[a]}: Gaussian derivatives of order 0, 1 or 2 are supported.");
            result[a + 3 - image.Dimensions] = order[a];
        }
        return result;
    }

    /// <summary>Separable Gaussian (derivative) filter of every channel; <paramref name="src"/> is not written.</summary>
    internal static float[] Filter<T>(float[] src, Volume<T> shape, double[] sigmaZyx, int[] orderZyx) where T : unmanaged
    {
        float[] current = src;
        float[]? spare = null;
        for (int axis = 0; axis < 3; axis++)
        {
            if (sigmaZyx[axis] <= 1e-15)
            {
                // scipy treats σ ≤ 1e-15 as "no filtering on this axis".
                if (orderZyx[axis] != 0)
                    throw new NeuroLensException($"a derivative along axis {axis} (z-y-x) needs sigma > 0 on that axis.");
                continue;
            }
            var kernel = GaussianKernel.Create(sigmaZyx[axis], orderZyx[axis]);
            // Correlation weights are the reversed convolution kernel (scipy: correlate1d(x, k[::-1])).
            var weights = new float[kernel.Length];
            for (int m = 0; m < kernel.Length; m++) weights[m] = (float)kernel[kernel.Length - 1 - m];
            var target = spare ?? new float[src.Length];
            SeparableFilter.Correlate(current, target, shape.Channels, shape.Depth, shape.Height, shape.Width, axis, weights);
            spare = ReferenceEquals(current, src) ? null : current;
            current = target;
        }
        return ReferenceEquals(current, src) ? (float[])src.Clone() : current;
    }

    /// <summary>Divides a derivative by voxel size^order per axis when derivatives are physical.</summary>
    internal static void ScaleDerivative<T>(float[] data, Volume<T> image, int[] orderZyx, bool physicalUnits) where T : unmanaged
    {
        if (!physicalUnits) return;
        double factor = 1;
        for (int axis = 0; axis < 3; axis++)
            if (orderZyx[axis] > 0) factor /= Math.Pow(image.VoxelSize[axis], orderZyx[axis]);
        if (factor == 1) return;
        SeparableFilter.Scale(data, (float)factor, data);
    }

    /// <summary>A float volume of <paramref name="like"/>'s shape and voxel size over <paramref name="data"/>.</summary>
    internal static Volume<float> Wrap<T>(float[] data, Volume<T> like, int? channels = null) where T : unmanaged =>
        new(data, like.Depth, like.Height, like.Width, channels ?? like.Channels, like.Dimensions)
        { VoxelSize = (double[])like.VoxelSize.Clone() };

    private static double[] Broadcast<T>(Volume<T> image, double sigma) where T : unmanaged
    {
        var s = new double[image.Dimensions];
        Array.Fill(s, sigma);
        return s;
    }
}
