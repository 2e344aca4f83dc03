using System.Numerics;

namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Laplacian of Gaussian: Σ over spatial axes of the second Gaussian derivative along that axis, as
/// <c>scipy.ndimage.gaussian_laplace</c> and ilastik's "Laplacian of Gaussian" feature. Not
/// scale-normalised (multiply by σ² for a scale-invariant response).
/// </summary>
public static class LaplacianOfGaussian
{
    /// <summary>The Laplacian of Gaussian of every channel, float32, same shape as the input.</summary>
    /// <param name="image">The image or volume (2D: y and x only).</param>
    /// <param name="sigma">Standard deviation on every axis, in voxels (or physical units).</param>
    /// <param name="physicalUnits">Whether σ and the derivatives are in the unit of the voxel size.</param>
    public static Volume<float> Compute<T>(Volume<T> image, double sigma, bool physicalUnits = false)
        where T : unmanaged, INumberBase<T>
    {
        var src = GaussianFilter.AsFloat(image);
        var s = GaussianFilter.ResolveSigma(image, Isotropic(image, sigma), physicalUnits);
        float[]? sum = null;
        for (int axis = 3 - image.Dimensions; axis < 3; axis++)
        {
            var order = new int[3];
            order[axis] = 2;
            var d = GaussianFilter.Filter(src, image, s, order);
            GaussianFilter.ScaleDerivative(d, image, order, physicalUnits);
            if (sum is null) sum = d;
            else SeparableFilter.MultiplyAdd(d, 1f, sum);
        }
        return GaussianFilter.Wrap(sum!, image);
    }

    internal static double[] Isotropic<T>(Volume<T> image, double sigma) where T : unmanaged
    {
        var s = new double[image.Dimensions];
        Array.Fill(s, sigma);
        return s;
    }
}
