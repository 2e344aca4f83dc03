using System.Numerics;

namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Eigenvalues of the structure tensor, as vigra's <c>structureTensorEigenvalues(image, σ, ρ)</c>: the
/// gradient by first Gaussian derivatives at the inner scale σ (not scale-normalised), the outer
/// products ∇I∇Iᵀ smoothed component-wise with a Gaussian at the outer scale ρ, eigenvalues per voxel
/// sorted descending. ilastik's "Structure Tensor Eigenvalues" feature at scale σ uses ρ = σ/2.
/// </summary>
public static class StructureTensorEigenvalues
{
    /// <summary>
    /// The eigenvalues as a float32 volume with <c>channels × d</c> channels (d = 2 or 3): eigenvalue k
    /// (descending) of input channel c is channel c·d + k.
    /// </summary>
    /// <param name="image">The image or volume (2D: y and x only).</param>
    /// <param name="sigma">Inner (derivative) scale σ, in voxels (or physical units).</param>
    /// <param name="rho">Outer (integration) scale ρ, in voxels (or physical units); 0 skips integration.</param>
    /// <param name="physicalUnits">Whether σ, ρ and the derivatives are in the unit of the voxel size.</param>
    public static Volume<float> Compute<T>(Volume<T> image, double sigma, double rho, bool physicalUnits = false)
        where T : unmanaged, INumberBase<T>
    {
        var src = GaussianFilter.AsFloat(image);
        var s = GaussianFilter.ResolveSigma(image, LaplacianOfGaussian.Isotropic(image, sigma), physicalUnits);
        var r = GaussianFilter.ResolveSigma(image, LaplacianOfGaussian.Isotropic(image, rho), physicalUnits);
        int first = 3 - image.Dimensions;
        var gradient = new float[3][];
        for (int a = first; a < 3; a++)
        {
            var order = new int[3];
            order[a] = 1;
            gradient[a] = GaussianFilter.Filter(src, image, s, order);
            GaussianFilter.ScaleDerivative(gradient[a], image, order, physicalUnits);
        }
        var components = new List<float[]>(6);
        var product = new float[src.Length];
        for (int a = first; a < 3; a++)
            for (int b = a; b < 3; b++)
            {
                float[] ga = gradient[a], gb = gradient[b];
                for (int i = 0; i < product.Length; i++) product[i] = ga[i] * gb[i];
                components.Add(GaussianFilter.Filter(product, image, r, new int[3]));
            }
        var eig = SymmetricEigenvalues.OfTensorField(components.ToArray(), image.Dimensions, image.Channels, (int)image.VoxelCount);
        return GaussianFilter.Wrap(eig, image, image.Channels * image.Dimensions);
    }
}
