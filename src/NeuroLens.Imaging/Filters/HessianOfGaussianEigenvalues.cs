using System.Numerics;

namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Eigenvalues of the Hessian of Gaussian, as vigra's <c>hessianOfGaussianEigenvalues</c> and ilastik's
/// "Hessian of Gaussian Eigenvalues" feature: second Gaussian derivatives at σ (not scale-normalised),
/// eigenvalues per voxel in closed form (2D), or by the analytic trigonometric method (3D), sorted
/// descending.
/// </summary>
public static class HessianOfGaussianEigenvalues
{
    /// <summary>
    /// The eigenvalues as a float32 volume with <c>channels × d</c> channels (d = 2 or 3): eigenvalue k
    /// (descending) of input channel c is channel c·d + k.
    /// </summary>
    /// <param name="image">The image or volume (2D: y and x only).</param>
    /// <param name="sigma">Standard deviation of the derivative filters, in voxels (or physical units).</param>
    /// <param name="physicalUnits">Whether σ and the derivatives are in the unit of the voxel size.</param>
    public static Volume<float> Compute<T>(Volume<T> image, double sigma, bool physicalUnits = false)
        where T : unmanaged, INumberBase<T>
    {
        var src = GaussianFilter.AsFloat(image);
        var s = GaussianFilter.ResolveSigma(image, LaplacianOfGaussian.Isotropic(image, sigma), physicalUnits);
        int first = 3 - image.Dimensions;
        var components = new List<float[]>(6);
        for (int a = first; a < 3; a++)
            for (int b = a; b < 3; b++)
            {
                var order = new int[3];
                order[a]++;
                order[b]++;
                var d = GaussianFilter.Filter(src, image, s, order);
                GaussianFilter.ScaleDerivative(d, image, order, physicalUnits);
                components.Add(d);
            }
        var eig = SymmetricEigenvalues.OfTensorField(components.ToArray(), image.Dimensions, image.Channels, (int)image.VoxelCount);
        return GaussianFilter.Wrap(eig, image, image.Channels * image.Dimensions);
    }
}
