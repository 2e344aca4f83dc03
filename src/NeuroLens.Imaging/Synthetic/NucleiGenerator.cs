using NeuroLens.Core;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>Options of <see cref="NucleiGenerator"/>: fluorescent nuclei in widefield or confocal images.</summary>
public sealed record NucleiOptions : SyntheticOptions
{
    /// <summary>How many nuclei and where; by default about 150 per 10⁶ voxels, independent positions.</summary>
    public PlacementOptions Placement { get; init; } = new();

    /// <summary>Smallest mean semi-axis, in xy voxels.</summary>
    public double RadiusMin { get; init; } = 5;

    /// <summary>Largest mean semi-axis, in xy voxels.</summary>
    public double RadiusMax { get; init; } = 10;

    /// <summary>Shape variation in [0, 0.9): each semi-axis is the mean radius × (1 ± Eccentricity × u), u uniform.</summary>
    public double Eccentricity { get; init; } = 0.3;

    /// <summary>Dimmest nucleus brightness, in [0, 1].</summary>
    public double IntensityMin { get; init; } = 0.35;

    /// <summary>Brightest nucleus brightness, in [0, 1].</summary>
    public double IntensityMax { get; init; } = 0.9;

    /// <summary>Relative amplitude of the chromatin texture inside nuclei (filtered noise, σ = 1.2 voxels).</summary>
    public double ChromatinTexture { get; init; } = 0.15;

    /// <summary>Lateral point-spread-function sigma, in xy voxels.</summary>
    public double BlurSigma { get; init; } = 1.5;

    /// <summary>Axial over lateral PSF sigma in physical units (widefield and confocal PSFs are 2–4 × longer in z).</summary>
    public double AxialBlurRatio { get; init; } = 2.5;

    /// <summary>Background level (autofluorescence and offset), in [0, 1].</summary>
    public double Background { get; init; } = 0.08;

    /// <summary>Relative amplitude of the smooth illumination field, in [0, 1) (uneven excitation).</summary>
    public double IlluminationVariation { get; init; } = 0.35;

    /// <summary>Shortest wavelength of the illumination field, in xy voxels.</summary>
    public double IlluminationScale { get; init; } = 400;

    /// <summary>Photons detected at intensity 1 (Poisson shot noise; fewer is noisier; 0 disables).</summary>
    public double Photons { get; init; } = 200;

    /// <summary>Standard deviation of the Gaussian read noise, in intensity units.</summary>
    public double ReadNoise { get; init; } = 0.01;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Placement.Validate();
        if (!(RadiusMin > 0 && RadiusMax >= RadiusMin)) throw new NeuroLensException($"nuclei radii need 0 < RadiusMin ≤ RadiusMax, got {RadiusMin}, {RadiusMax}.");
        if (!(Eccentricity >= 0 && Eccentricity < 0.9)) throw new NeuroLensException($"Eccentricity must lie in [0, 0.9), got {Eccentricity}.");
        if (!(IntensityMin >= 0 && IntensityMax <= 1 && IntensityMin <= IntensityMax)) throw new NeuroLensException($"nuclei intensities need 0 ≤ IntensityMin ≤ IntensityMax ≤ 1, got {IntensityMin}, {IntensityMax}.");
        if (!(IlluminationVariation >= 0 && IlluminationVariation < 1)) throw new NeuroLensException($"IlluminationVariation must lie in [0, 1), got {IlluminationVariation}.");
        if (!(BlurSigma >= 0 && AxialBlurRatio > 0 && Photons >= 0 && ReadNoise >= 0 && Background >= 0 && ChromatinTexture >= 0 && IlluminationScale > 0))
            throw new NeuroLensException("nuclei BlurSigma, Photons, ReadNoise, Background, ChromatinTexture must be non-negative and AxialBlurRatio, IlluminationScale positive.");
    }
}

/// <summary>
/// Fluorescent nuclei: bright ellipsoids of varied size, shape, orientation and brightness with chromatin
/// texture, seen through a Gaussian PSF under uneven illumination, with Poisson shot noise and Gaussian
/// read noise. Ground truth: <c>Labels</c> = nucleus ids, <c>Mask</c> = union of the ellipsoids,
/// <c>Classes</c> = 1 on nuclei.
/// </summary>
public static class NucleiGenerator
{
    /// <summary>Generates one image; the same options and seed give identical output.</summary>
    public static SyntheticSample Generate(NucleiOptions options, int seed)
    {
        options.Validate();
        var rng = new SyntheticRng(seed);
        int d = options.Depth, h = options.Height, w = options.Width;
        bool threeD = d > 1;

        var placer = new ObjectPlacer(d, h, w, options.ZScale, options.Placement.ChunkSize);
        placer.Run(rng.Fork(1), options.Placement, (r, centre, id) =>
        {
            double mean = r.Uniform(options.RadiusMin, options.RadiusMax);
            double Axis() => mean * (1 + options.Eccentricity * r.Uniform(-1, 1));
            return new PlacedObject(id, 1, ObjectShape.Ellipsoid, centre, [Axis(), Axis(), Axis()],
                PlacedObject.RandomAxes(r, threeD), r.Uniform(options.IntensityMin, options.IntensityMax));
        });

        // Fluorophore density: per-nucleus brightness with chromatin texture, then the PSF.
        var chromatin = SyntheticFields.FilteredNoise(rng.Fork(2), d, h, w, threeD ? 1.2 / options.ZScale : 0, 1.2, 1.2);
        var image = new float[placer.Labels.LongLength];
        for (long i = 0; i < image.LongLength; i++)
        {
            uint id = placer.Labels[i];
            if (id != 0) image[i] = (float)(placer.Objects[(int)id - 1].Intensity * Math.Max(0, 1 + options.ChromatinTexture * chromatin[i]));
        }
        double sigmaZ = threeD ? options.BlurSigma * options.AxialBlurRatio / options.ZScale : 0;
        SyntheticBlur.Blur(image, d, h, w, sigmaZ, options.BlurSigma, options.BlurSigma);

        // Uneven excitation scales signal and autofluorescence alike.
        var field = SyntheticFields.Smooth(rng.Fork(3), d, h, w, options.ZScale, options.IlluminationScale, 4);
        for (long i = 0; i < image.LongLength; i++)
            image[i] = (float)((image[i] + options.Background) * (1 + options.IlluminationVariation * field[i]));
        SyntheticFields.CameraNoise(image, rng.Fork(4), options.Photons, options.ReadNoise);

        var mask = SyntheticSample.NonZero(placer.Labels);
        return new SyntheticSample("nuclei", seed, options,
            SyntheticSample.Wrap(image, options), SyntheticSample.Wrap(placer.Labels, options),
            SyntheticSample.Wrap(mask, options), SyntheticSample.Wrap(placer.Classes, options), placer.Objects,
            new Dictionary<string, double>
            {
                ["objects"] = placer.Objects.Count,
                ["prevalence"] = placer.Prevalence,
                ["prevalenceChunkSize"] = options.Placement.ChunkSize,
            });
    }
}
