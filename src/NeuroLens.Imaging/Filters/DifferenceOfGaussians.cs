using System.Numerics;

namespace NeuroLens.Imaging.Filters;

/// <summary>
/// Difference of Gaussians: G(σ₁) − G(σ₂) of every channel. ilastik's "Difference of Gaussians" feature
/// at scale σ is this with σ₁ = σ and σ₂ = <see cref="IlastikRatio"/>·σ.
/// </summary>
public static class DifferenceOfGaussians
{
    /// <summary>ilastik's ratio of the second scale to the first (σ₂ = 0.66·σ₁).</summary>
    public const double IlastikRatio = 0.66;

    /// <summary>G(σ₁) − G(σ₂), float32, same shape as the input.</summary>
    /// <param name="image">The image or volume (2D: y and x only).</param>
    /// <param name="sigma1">The first (minuend) standard deviation.</param>
    /// <param name="sigma2">The second (subtrahend) standard deviation; default <see cref="IlastikRatio"/>·σ₁.</param>
    /// <param name="physicalUnits">Whether σ is in the unit of the voxel size.</param>
    public static Volume<float> Compute<T>(Volume<T> image, double sigma1, double? sigma2 = null, bool physicalUnits = false)
        where T : unmanaged, INumberBase<T>
    {
        var a = GaussianFilter.Smooth(image, sigma1, physicalUnits);
        var b = GaussianFilter.Smooth(image, sigma2 ?? IlastikRatio * sigma1, physicalUnits);
        SeparableFilter.MultiplyAdd(b.Data, -1f, a.Data);
        return a;
    }
}
