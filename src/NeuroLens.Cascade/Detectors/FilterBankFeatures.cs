using NeuroLens.Imaging;
using NeuroLens.Imaging.Filters;

namespace NeuroLens.Cascade.Detectors;

/// <summary>
/// The ilastik pixel-classification feature set (Sommer et al. 2011; Berg et al. 2019) computed with
/// Imaging's filter bank: the raw intensity and, at every scale σ, Gaussian smoothing, Laplacian of
/// Gaussian, Gaussian gradient magnitude, difference of Gaussians (σ, 0.66σ), structure-tensor
/// eigenvalues (σ, ρ = σ/2) and Hessian-of-Gaussian eigenvalues (d each). Features of a chunk are
/// computed on the chunk grown by a halo, so that chunk borders see the same context as the interior.
/// </summary>
public static class FilterBankFeatures
{
    /// <summary>ilastik's default scales up to 3.5 that fit small chunks.</summary>
    public static IReadOnlyList<double> DefaultScales { get; } = [1.0, 1.6, 3.5];

    /// <summary>Number of features per voxel: 1 + |scales|·(4 + 2d).</summary>
    /// <param name="scales">The scales σ.</param>
    /// <param name="dimensions">2 or 3.</param>
    public static int Count(IReadOnlyList<double> scales, int dimensions) => 1 + scales.Count * (4 + 2 * dimensions);

    /// <summary>Side of the blocks (voxels) within which <see cref="ComputeMany"/> shares one feature computation.</summary>
    public const int BlockSize = 64;

    /// <summary>
    /// The features of several chunks, as <see cref="Compute"/> gives them one by one, but computed once
    /// per group of chunks that fall in the same <see cref="BlockSize"/>-voxel block, on the group's
    /// bounding box: the halo is paid per block instead of per chunk, which matters most for small 3D
    /// chunks (a 16³ chunk with a 15-voxel halo is 4 % of its 46³ crop).
    /// </summary>
    /// <param name="level">The image (first channel used).</param>
    /// <param name="chunks">The regions, in <paramref name="level"/>'s voxels.</param>
    /// <param name="scales">The scales σ in voxels.</param>
    public static Volume<float>[] ComputeMany(Volume<float> level, IReadOnlyList<Box> chunks, IReadOnlyList<double> scales)
    {
        var result = new Volume<float>[chunks.Count];
        var groups = Enumerable.Range(0, chunks.Count)
            .GroupBy(i => (chunks[i].Z0 / BlockSize, chunks[i].Y0 / BlockSize, chunks[i].X0 / BlockSize));
        foreach (var group in groups)
        {
            var members = group.ToList();
            if (members.Count == 1) { result[members[0]] = Compute(level, chunks[members[0]], scales); continue; }
            int z0 = members.Min(i => chunks[i].Z0), y0 = members.Min(i => chunks[i].Y0), x0 = members.Min(i => chunks[i].X0);
            int z1 = members.Max(i => chunks[i].Z1), y1 = members.Max(i => chunks[i].Y1), x1 = members.Max(i => chunks[i].X1);
            var bounds = new Box(z0, y0, x0, z1 - z0, y1 - y0, x1 - x0);
            var features = Compute(level, bounds, scales);
            foreach (int i in members)
            {
                var c = chunks[i];
                result[i] = features.Crop(c with { Z0 = c.Z0 - z0, Y0 = c.Y0 - y0, X0 = c.X0 - x0 });
            }
        }
        return result;
    }

    /// <summary>The features of every voxel of <paramref name="chunk"/>, as a volume of the chunk's shape with <see cref="Count"/> channels.</summary>
    /// <param name="level">The image (first channel used).</param>
    /// <param name="chunk">The region, in <paramref name="level"/>'s voxels.</param>
    /// <param name="scales">The scales σ in voxels.</param>
    public static Volume<float> Compute(Volume<float> level, Box chunk, IReadOnlyList<double> scales)
    {
        int d = level.Dimensions;
        int halo = (int)Math.Ceiling(4 * scales.DefaultIfEmpty(0).Max()) + 1;
        var outer = chunk.Grow(halo, level.Bounds, growZ: d == 3);
        var crop = level.Crop(outer);
        if (crop.Channels > 1) crop = new Volume<float>(crop.Channel(0).ToArray(), crop.Depth, crop.Height, crop.Width, 1, d);
        var inner = chunk with { Z0 = chunk.Z0 - outer.Z0, Y0 = chunk.Y0 - outer.Y0, X0 = chunk.X0 - outer.X0 };

        var result = new Volume<float>(chunk.Depth, chunk.Height, chunk.Width, Count(scales, d), d);
        int channel = 0;
        void Add(Volume<float> feature)
        {
            var cropped = feature.Crop(inner);
            for (int c = 0; c < cropped.Channels; c++)
                cropped.Channel(c).CopyTo(result.Channel(channel++));
        }
        Add(crop);
        foreach (double sigma in scales)
        {
            Add(GaussianFilter.Smooth(crop, sigma));
            Add(LaplacianOfGaussian.Compute(crop, sigma));
            Add(GaussianGradientMagnitude.Compute(crop, sigma));
            Add(DifferenceOfGaussians.Compute(crop, sigma));
            Add(StructureTensorEigenvalues.Compute(crop, sigma, sigma / 2));
            Add(HessianOfGaussianEigenvalues.Compute(crop, sigma));
        }
        return result;
    }
}
