using NeuroLens.Core;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// Every parameter of the synthetic EM neuron generator (transfer.md §1). Lengths are in xy voxels;
/// intensities are fractions of full scale. <see cref="EmPresets"/> holds named domain settings and the
/// normalised parameter distance between them.
/// </summary>
public sealed record EmSectionOptions : SyntheticOptions
{
    // Cells: a randomly warped, weighted (power) Voronoi partition.

    /// <summary>Mean cell width across the elongation direction, in xy voxels; sets the seed density.</summary>
    public double CellDiameter { get; init; } = 40;

    /// <summary>Cell size spread in [0, 1]: power-diagram weights w² = SizeSpread × (CellDiameter/2)² × 2u, u uniform.</summary>
    public double SizeSpread { get; init; } = 0.5;

    /// <summary>Cell anisotropy ≥ 1: cells are this many times longer along the elongation direction.</summary>
    public double Elongation { get; init; } = 1.5;

    /// <summary>In-plane angle of the elongation direction, radians from the x axis (not part of the parameter distance).</summary>
    public double ElongationAngle { get; init; } = 0.6;

    /// <summary>3D only: tilt of the elongation direction away from z, radians (0 = neurites run along z).</summary>
    public double ElongationTilt { get; init; } = 0.3;

    /// <summary>Largest displacement of the smooth random warp that bends cell borders, in xy voxels.</summary>
    public double WarpAmplitude { get; init; } = 4;

    /// <summary>Shortest wavelength of the warp, in xy voxels.</summary>
    public double WarpScale { get; init; } = 60;

    // Membranes.

    /// <summary>Membrane thickness (full width at half maximum of the dark profile), in xy voxels.</summary>
    public double MembraneThickness { get; init; } = 2.5;

    /// <summary>Relative darkening at the membrane centre, in [0, 1].</summary>
    public double MembraneDarkness { get; init; } = 0.6;

    // Cytoplasm.

    /// <summary>Mean cytoplasm brightness, in [0, 1].</summary>
    public double CytoplasmIntensity { get; init; } = 0.65;

    /// <summary>Standard deviation of per-cell brightness (cells stain differently).</summary>
    public double CellIntensitySpread { get; init; } = 0.05;

    /// <summary>Relative amplitude of the intracellular texture (filtered noise).</summary>
    public double TextureAmplitude { get; init; } = 0.08;

    /// <summary>Grain size of the intracellular texture: the noise filter's sigma, in xy voxels.</summary>
    public double TextureScale { get; init; } = 1.5;

    // Organelles.

    /// <summary>Mitochondrion profiles per 10⁶ voxels of a section (placed inside cells, clear of membranes); volumes get the 3D density that gives each section as many.</summary>
    public double MitochondriaDensity { get; init; } = 120;

    /// <summary>Mean mitochondrion radius, in xy voxels.</summary>
    public double MitochondriaRadius { get; init; } = 6;

    /// <summary>Mean mitochondrion half length (of the capsule's axis), in xy voxels.</summary>
    public double MitochondriaHalfLength { get; init; } = 12;

    /// <summary>Relative darkening of the mitochondrial matrix, in [0, 1].</summary>
    public double MitochondriaDarkness { get; init; } = 0.45;

    /// <summary>Vesicle clusters (synaptic boutons) per 10⁶ voxels of a section, as for <see cref="MitochondriaDensity"/>.</summary>
    public double VesicleClusterDensity { get; init; } = 60;

    /// <summary>Vesicles per cluster.</summary>
    public int VesiclesPerCluster { get; init; } = 12;

    /// <summary>Mean vesicle radius, in xy voxels.</summary>
    public double VesicleRadius { get; init; } = 3;

    /// <summary>
    /// Fraction of all cells drawn as myelinated axons (vertebrate white matter and tracts; 0 for
    /// invertebrates), chosen among the larger half of the cells.
    /// </summary>
    public double MyelinFraction { get; init; }

    /// <summary>Myelin sheath thickness, in xy voxels; the sheath is a very dark band inside the axon's border.</summary>
    public double MyelinThickness { get; init; } = 5;

    // Imaging.

    /// <summary>Gaussian blur sigma (beam spot, defocus), in xy voxels.</summary>
    public double BlurSigma { get; init; } = 0.8;

    /// <summary>Electrons (or photons) per voxel at intensity 1 (Poisson shot noise; fewer is noisier; 0 disables).</summary>
    public double Photons { get; init; } = 80;

    /// <summary>Gaussian read noise standard deviation.</summary>
    public double ReadNoise { get; init; } = 0.02;

    /// <summary>Contrast around mid grey: v → 0.5 + Contrast × (v − 0.5).</summary>
    public double Contrast { get; init; } = 1;

    /// <summary>Gamma applied after contrast: v → v^Gamma.</summary>
    public double Gamma { get; init; } = 1;

    /// <summary>Relative amplitude of the smooth illumination (charging, detector) field, in [0, 1).</summary>
    public double IlluminationVariation { get; init; } = 0.1;

    /// <summary>Shortest wavelength of the illumination field, in xy voxels.</summary>
    public double IlluminationScale { get; init; } = 400;

    /// <summary>Amplitude of stripe artefacts (knife chatter, FIB curtaining), in intensity units.</summary>
    public double StripeAmplitude { get; init; } = 0.02;

    /// <summary>Stripe period, in xy voxels.</summary>
    public double StripePeriod { get; init; } = 10;

    /// <summary>Angle of the stripes, radians from the x axis (not part of the parameter distance).</summary>
    public double StripeAngle { get; init; }

    /// <summary>Probability that a section carries a fold (a dark band where the section doubled over).</summary>
    public double FoldProbability { get; init; }

    /// <summary>Fold width, in xy voxels.</summary>
    public double FoldWidth { get; init; } = 12;

    /// <summary>Relative darkening inside a fold, in [0, 1].</summary>
    public double FoldDarkness { get; init; } = 0.5;

    /// <summary>3D only: standard deviation of the residual misalignment of each section, in xy voxels.</summary>
    public double SectionJitter { get; init; }

    /// <summary>3D only: standard deviation of per-section brightness changes (section thickness, staining).</summary>
    public double SectionBrightnessJitter { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        static void Check(bool ok, string field, double value, string expected)
        {
            if (!ok) throw new NeuroLensException($"EM option {field} = {value}: expected {expected}.");
        }
        Check(CellDiameter >= 4, nameof(CellDiameter), CellDiameter, "at least 4 voxels");
        Check(SizeSpread is >= 0 and <= 1, nameof(SizeSpread), SizeSpread, "a value in [0, 1]");
        Check(Elongation is >= 1 and <= 10, nameof(Elongation), Elongation, "a value in [1, 10]");
        Check(WarpAmplitude >= 0, nameof(WarpAmplitude), WarpAmplitude, "a non-negative value");
        Check(WarpScale > 0, nameof(WarpScale), WarpScale, "a positive value");
        Check(MembraneThickness > 0, nameof(MembraneThickness), MembraneThickness, "a positive value");
        foreach (var (name, v) in new[] { (nameof(MembraneDarkness), MembraneDarkness), (nameof(CytoplasmIntensity), CytoplasmIntensity),
                     (nameof(MitochondriaDarkness), MitochondriaDarkness), (nameof(FoldProbability), FoldProbability), (nameof(FoldDarkness), FoldDarkness), (nameof(MyelinFraction), MyelinFraction) })
            Check(v is >= 0 and <= 1, name, v, "a value in [0, 1]");
        Check(IlluminationVariation is >= 0 and < 1, nameof(IlluminationVariation), IlluminationVariation, "a value in [0, 1)");
        foreach (var (name, v) in new[] { (nameof(CellIntensitySpread), CellIntensitySpread), (nameof(TextureAmplitude), TextureAmplitude),
                     (nameof(MitochondriaDensity), MitochondriaDensity), (nameof(VesicleClusterDensity), VesicleClusterDensity), (nameof(BlurSigma), BlurSigma),
                     (nameof(Photons), Photons), (nameof(ReadNoise), ReadNoise), (nameof(StripeAmplitude), StripeAmplitude),
                     (nameof(SectionJitter), SectionJitter), (nameof(SectionBrightnessJitter), SectionBrightnessJitter) })
            Check(v >= 0, name, v, "a non-negative value");
        foreach (var (name, v) in new[] { (nameof(TextureScale), TextureScale), (nameof(MitochondriaRadius), MitochondriaRadius),
                     (nameof(MitochondriaHalfLength), MitochondriaHalfLength), (nameof(VesicleRadius), VesicleRadius), (nameof(Contrast), Contrast),
                     (nameof(Gamma), Gamma), (nameof(IlluminationScale), IlluminationScale), (nameof(StripePeriod), StripePeriod), (nameof(FoldWidth), FoldWidth), (nameof(MyelinThickness), MyelinThickness) })
            Check(v > 0, name, v, "a positive value");
        Check(VesiclesPerCluster >= 1, nameof(VesiclesPerCluster), VesiclesPerCluster, "at least 1");
    }
}
