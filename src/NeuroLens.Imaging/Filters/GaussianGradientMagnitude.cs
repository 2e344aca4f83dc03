using System.Numerics;

namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Gradient magnitude of Gaussian: √(Σ over spatial axes of the squared first Gaussian derivative), as
/// <c>scipy.ndimage.gaussian_gradient_magnitude</c> and ilastik's "Gradient Magnitude of Gaussian"
/// feature. Not scale-normalised.
/// </summary>
public static class GaussianGradientMagnitude
{
    /// <summary>The gradient magnitude of every channel, float32, same shape as the input.</summary>
    /// <param name="image">The image or volume (2D: y and x only).</param>
    /// <param name="sigma">Standard deviation on every axis, in voxels (or physical units).</param>
    /// <param name="physicalUnits">Whether σ and the derivatives are in the unit of the voxel size.</param>
    public static Volume<float> Compute<T>(Volume<T> image, double sigma, bool physicalUnits = false)
        where T : unmanaged, INumberBase<T>
    {
        var src = GaussianFilter.AsFloat(image);
        var s = GaussianFilter.ResolveSigma(image, LaplacianOfGaussian.Isotropic(image, sigma), physicalUnits);
        var sum = new float[src.Length];
        for (int axis = 3 - image.Dimensions; axis < 3; axis++)
        {
            var order = new int[3];
            order[axis] = 1;
            var d = GaussianFilter.Filter(src, image, s, order);
            GaussianFilter.ScaleDerivative(d, image, order, physicalUnits);
            for (int i = 0; i < d.Length; i++) sum[i] += d[i] * d[i];
        }
        for (int i = 0; i < sum.Length; i++) sum[i] = MathF.Sqrt(sum[i]);
        return GaussianFilter.Wrap(sum, image);
    }
}
