using NeuroLens.Core;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// Named EM domain presets for <see cref="EmSectionGenerator"/> and the distance between parameter
/// settings. Each preset stands for an organism and microscope; its numbers are chosen from the
/// published voxel sizes and the look of such datasets (cell profile size in voxels, membrane width and
/// contrast, dose-dependent noise, artefacts, z anisotropy), not fitted to any dataset. Presets are 2D
/// 256 × 256 by default; set <c>Depth</c> (and size) with a <c>with</c> expression for volumes, which
/// then use the preset's <c>ZScale</c>.
/// </summary>
public static class EmPresets
{
    private static readonly Dictionary<string, EmSectionOptions> All = new(StringComparer.Ordinal)
    {
        // Drosophila FIB-SEM (8 nm isotropic): thin neurites, noisy, vertical curtaining, no sections.
        ["fly-fib-sem"] = new()
        {
            CellDiameter = 28, SizeSpread = 0.7, Elongation = 1.3, WarpAmplitude = 3, WarpScale = 40,
            MembraneThickness = 2.0, MembraneDarkness = 0.55, CytoplasmIntensity = 0.6, CellIntensitySpread = 0.04,
            TextureAmplitude = 0.07, TextureScale = 1.2, MitochondriaDensity = 100, MitochondriaRadius = 5, MitochondriaHalfLength = 10,
            VesicleClusterDensity = 120, VesiclesPerCluster = 14, VesicleRadius = 2.5, MyelinFraction = 0, MyelinThickness = 5, BlurSigma = 1.0, Photons = 40, ReadNoise = 0.03,
            Contrast = 0.9, Gamma = 1.0, IlluminationVariation = 0.12, StripeAmplitude = 0.04, StripePeriod = 6, StripeAngle = Math.PI / 2,
            FoldProbability = 0, ZScale = 1, SectionJitter = 0.3, SectionBrightnessJitter = 0.02,
        },
        // Drosophila serial-section TEM (4 × 4 × 40 nm, CREMI-like): larger profiles, crisp dark membranes, folds.
        ["fly-sstem"] = new()
        {
            CellDiameter = 60, SizeSpread = 0.7, Elongation = 1.6, WarpAmplitude = 5, WarpScale = 80,
            MembraneThickness = 3.5, MembraneDarkness = 0.7, CytoplasmIntensity = 0.7, CellIntensitySpread = 0.05,
            TextureAmplitude = 0.10, TextureScale = 2.0, MitochondriaDensity = 60, MitochondriaRadius = 10, MitochondriaHalfLength = 20,
            VesicleClusterDensity = 50, VesiclesPerCluster = 12, VesicleRadius = 5, MyelinFraction = 0, MyelinThickness = 5, BlurSigma = 1.2, Photons = 150, ReadNoise = 0.015,
            Contrast = 1.1, Gamma = 0.9, IlluminationVariation = 0.15, StripeAmplitude = 0.015, StripePeriod = 20, StripeAngle = 0.3,
            FoldProbability = 0.1, FoldWidth = 16, FoldDarkness = 0.5, ZScale = 10, SectionJitter = 1.5, SectionBrightnessJitter = 0.06,
        },
        // Mouse cortex SBEM (about 11 × 11 × 25 nm): small axons, low dose, charging gradients.
        ["mouse-sbem"] = new()
        {
            CellDiameter = 30, SizeSpread = 0.6, Elongation = 1.8, WarpAmplitude = 4, WarpScale = 50,
            MembraneThickness = 2.2, MembraneDarkness = 0.5, CytoplasmIntensity = 0.62, CellIntensitySpread = 0.05,
            TextureAmplitude = 0.09, TextureScale = 1.3, MitochondriaDensity = 150, MitochondriaRadius = 4.5, MitochondriaHalfLength = 12,
            VesicleClusterDensity = 150, VesiclesPerCluster = 10, VesicleRadius = 2, MyelinFraction = 0.08, MyelinThickness = 5, BlurSigma = 0.9, Photons = 30, ReadNoise = 0.035,
            Contrast = 0.85, Gamma = 1.1, IlluminationVariation = 0.2, StripeAmplitude = 0.01, StripePeriod = 14, StripeAngle = 0,
            FoldProbability = 0, ZScale = 2.2, SectionJitter = 0.5, SectionBrightnessJitter = 0.04,
        },
        // Human cortex multibeam serial-section SEM (4 × 4 × 33 nm, H01-like): large profiles, beam-to-beam
        // illumination differences, folds and misalignment of thin sections.
        ["human-ssem"] = new()
        {
            CellDiameter = 55, SizeSpread = 0.8, Elongation = 1.5, WarpAmplitude = 7, WarpScale = 90,
            MembraneThickness = 3.0, MembraneDarkness = 0.6, CytoplasmIntensity = 0.55, CellIntensitySpread = 0.07,
            TextureAmplitude = 0.12, TextureScale = 2.0, MitochondriaDensity = 50, MitochondriaRadius = 9, MitochondriaHalfLength = 25,
            VesicleClusterDensity = 40, VesiclesPerCluster = 16, VesicleRadius = 4.5, MyelinFraction = 0.06, MyelinThickness = 9, BlurSigma = 1.3, Photons = 60, ReadNoise = 0.025,
            Contrast = 0.8, Gamma = 1.2, IlluminationVariation = 0.25, StripeAmplitude = 0.03, StripePeriod = 30, StripeAngle = 1.2,
            FoldProbability = 0.15, FoldWidth = 14, FoldDarkness = 0.45, ZScale = 8, SectionJitter = 2, SectionBrightnessJitter = 0.08,
        },
        // Larval zebrafish SBEM (about 14 × 14 × 25 nm): small, tightly packed profiles, few myelinated axons yet.
        ["zebrafish-sbem"] = new()
        {
            CellDiameter = 22, SizeSpread = 0.5, Elongation = 1.2, WarpAmplitude = 2.5, WarpScale = 35,
            MembraneThickness = 1.8, MembraneDarkness = 0.5, CytoplasmIntensity = 0.68, CellIntensitySpread = 0.03,
            TextureAmplitude = 0.06, TextureScale = 1.0, MitochondriaDensity = 200, MitochondriaRadius = 3.5, MitochondriaHalfLength = 8,
            VesicleClusterDensity = 180, VesiclesPerCluster = 8, VesicleRadius = 1.8, MyelinFraction = 0.02, MyelinThickness = 3, BlurSigma = 0.8, Photons = 35, ReadNoise = 0.03,
            Contrast = 1.0, Gamma = 1.0, IlluminationVariation = 0.15, StripeAmplitude = 0.015, StripePeriod = 8, StripeAngle = 0,
            FoldProbability = 0, ZScale = 1.8, SectionJitter = 0.4, SectionBrightnessJitter = 0.03,
        },
        // C. elegans serial TEM on film (about 2 × 2 × 50 nm): big profiles in voxels, parallel bundles, very
        // dark membranes, vignetting, scratches and folds, strong z anisotropy.
        ["worm-tem"] = new()
        {
            CellDiameter = 70, SizeSpread = 0.4, Elongation = 2.5, WarpAmplitude = 6, WarpScale = 100,
            MembraneThickness = 4.0, MembraneDarkness = 0.8, CytoplasmIntensity = 0.72, CellIntensitySpread = 0.06,
            TextureAmplitude = 0.10, TextureScale = 2.5, MitochondriaDensity = 30, MitochondriaRadius = 12, MitochondriaHalfLength = 20,
            VesicleClusterDensity = 30, VesiclesPerCluster = 10, VesicleRadius = 8, MyelinFraction = 0, MyelinThickness = 5, BlurSigma = 1.6, Photons = 200, ReadNoise = 0.02,
            Contrast = 1.25, Gamma = 0.85, IlluminationVariation = 0.3, StripeAmplitude = 0.02, StripePeriod = 40, StripeAngle = 0.8,
            FoldProbability = 0.25, FoldWidth = 20, FoldDarkness = 0.6, ZScale = 12, SectionJitter = 3, SectionBrightnessJitter = 0.1,
        },
        // Zebra finch basal ganglia SBEM (9 × 9 × 20 nm, j0126-like): medium profiles, moderate noise.
        ["songbird-sbem"] = new()
        {
            CellDiameter = 32, SizeSpread = 0.6, Elongation = 1.4, WarpAmplitude = 4, WarpScale = 50,
            MembraneThickness = 2.4, MembraneDarkness = 0.65, CytoplasmIntensity = 0.6, CellIntensitySpread = 0.05,
            TextureAmplitude = 0.08, TextureScale = 1.4, MitochondriaDensity = 120, MitochondriaRadius = 5, MitochondriaHalfLength = 14,
            VesicleClusterDensity = 100, VesiclesPerCluster = 12, VesicleRadius = 2.5, MyelinFraction = 0.12, MyelinThickness = 5, BlurSigma = 1.0, Photons = 45, ReadNoise = 0.03,
            Contrast = 1.0, Gamma = 1.05, IlluminationVariation = 0.12, StripeAmplitude = 0.012, StripePeriod = 12, StripeAngle = 0,
            FoldProbability = 0, ZScale = 2.2, SectionJitter = 0.6, SectionBrightnessJitter = 0.03,
        },
    };

    // Parameters entering the distance: (name, value, low, high, log scale). Orientation angles (ElongationAngle,
    // ElongationTilt, StripeAngle) and the image extent are left out: they say how a patch is cut, not
    // which domain it comes from.
    private static (string Name, double Value, double Low, double High, bool Log)[] Table(EmSectionOptions o) =>
    [
        (nameof(o.CellDiameter), o.CellDiameter, 8, 120, true),
        (nameof(o.SizeSpread), o.SizeSpread, 0, 1, false),
        (nameof(o.Elongation), o.Elongation, 1, 4, true),
        (nameof(o.WarpAmplitude), o.WarpAmplitude, 0, 10, false),
        (nameof(o.WarpScale), o.WarpScale, 20, 200, true),
        (nameof(o.MembraneThickness), o.MembraneThickness, 1, 6, true),
        (nameof(o.MembraneDarkness), o.MembraneDarkness, 0, 1, false),
        (nameof(o.CytoplasmIntensity), o.CytoplasmIntensity, 0, 1, false),
        (nameof(o.CellIntensitySpread), o.CellIntensitySpread, 0, 0.2, false),
        (nameof(o.TextureAmplitude), o.TextureAmplitude, 0, 0.3, false),
        (nameof(o.TextureScale), o.TextureScale, 0.5, 4, true),
        (nameof(o.MitochondriaDensity), o.MitochondriaDensity, 0, 400, false),
        (nameof(o.MitochondriaRadius), o.MitochondriaRadius, 2, 16, true),
        (nameof(o.MitochondriaHalfLength), o.MitochondriaHalfLength, 4, 40, true),
        (nameof(o.MitochondriaDarkness), o.MitochondriaDarkness, 0, 1, false),
        (nameof(o.VesicleClusterDensity), o.VesicleClusterDensity, 0, 400, false),
        (nameof(o.VesiclesPerCluster), o.VesiclesPerCluster, 1, 40, false),
        (nameof(o.VesicleRadius), o.VesicleRadius, 1, 10, true),
        (nameof(o.MyelinFraction), o.MyelinFraction, 0, 0.5, false),
        (nameof(o.MyelinThickness), o.MyelinThickness, 1, 20, true),
        (nameof(o.BlurSigma), o.BlurSigma, 0, 3, false),
        (nameof(o.Photons), o.Photons, 10, 500, true),
        (nameof(o.ReadNoise), o.ReadNoise, 0, 0.1, false),
        (nameof(o.Contrast), o.Contrast, 0.5, 1.5, false),
        (nameof(o.Gamma), o.Gamma, 0.5, 1.5, false),
        (nameof(o.IlluminationVariation), o.IlluminationVariation, 0, 0.5, false),
        (nameof(o.IlluminationScale), o.IlluminationScale, 100, 1000, true),
        (nameof(o.StripeAmplitude), o.StripeAmplitude, 0, 0.1, false),
        (nameof(o.StripePeriod), o.StripePeriod, 4, 60, true),
        (nameof(o.FoldProbability), o.FoldProbability, 0, 1, false),
        (nameof(o.FoldWidth), o.FoldWidth, 4, 40, true),
        (nameof(o.FoldDarkness), o.FoldDarkness, 0, 1, false),
        (nameof(o.ZScale), o.ZScale, 1, 15, true),
        (nameof(o.SectionJitter), o.SectionJitter, 0, 5, false),
        (nameof(o.SectionBrightnessJitter), o.SectionBrightnessJitter, 0, 0.2, false),
    ];

    /// <summary>The preset names, in a fixed order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Keys];

    /// <summary>The options of preset <paramref name="name"/> (records are immutable; adapt with <c>with</c>).</summary>
    public static EmSectionOptions Get(string name) =>
        All.TryGetValue(name, out var o) ? o : throw new NeuroLensException($"EM preset '{name}' is unknown; expected one of {string.Join(", ", Names)}.");

    /// <summary>The names of the parameters that enter <see cref="ParameterDistance(EmSectionOptions, EmSectionOptions)"/>, in vector order.</summary>
    public static IReadOnlyList<string> ParameterNames { get; } = [.. Table(new EmSectionOptions()).Select(p => p.Name)];

    /// <summary>
    /// The normalised parameter vector: each parameter mapped by its fixed range [low, high] to
    /// (v − low)/(high − low), or for scale parameters (sizes, wavelengths, photon counts, ZScale) to
    /// (ln v − ln low)/(ln high − ln low). Ranges are constants, not taken from the presets, so the
    /// distance between two settings does not change when presets are added. Values outside a range map
    /// outside [0, 1] (no clipping).
    /// </summary>
    public static double[] Normalise(EmSectionOptions options) =>
        [.. Table(options).Select(p => p.Log
            ? (Math.Log(Math.Max(p.Value, 1e-9)) - Math.Log(p.Low)) / (Math.Log(p.High) - Math.Log(p.Low))
            : (p.Value - p.Low) / (p.High - p.Low))];

    /// <summary>
    /// Root-mean-square difference of the normalised parameters (<see cref="Normalise"/>): the Euclidean
    /// distance divided by √K for K parameters, so 1 means every parameter differs by its whole range.
    /// A pseudo-metric: zero for identical settings, symmetric, and obeys the triangle inequality;
    /// settings that differ only in orientation angles or extent are at distance zero.
    /// </summary>
    public static double ParameterDistance(EmSectionOptions a, EmSectionOptions b)
    {
        double[] x = Normalise(a), y = Normalise(b);
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += (x[i] - y[i]) * (x[i] - y[i]);
        return Math.Sqrt(sum / x.Length);
    }

    /// <summary>The parameter distance between two presets by name.</summary>
    public static double ParameterDistance(string presetA, string presetB) => ParameterDistance(Get(presetA), Get(presetB));
}
