using NeuroLens.Core;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// The single entry point to the synthetic-data generators, for the CLI (<c>neurolens image synth
/// KIND</c>) and the studies. Every generator is seeded by its own SplitMix64 stream
/// (<c>SyntheticRng</c>), so the same options and seed give bit-identical output on every platform
/// and thread count. Images are floats in [0, 1]; ground truth is exact (see each generator).
/// <list type="table">
/// <listheader><term>kind</term><description>Labels / Mask / Classes</description></listheader>
/// <item><term>nuclei</term><description>nucleus ids / union of nuclei / 1 on nuclei (<see cref="NucleiGenerator"/>)</description></item>
/// <item><term>organelles</term><description>organelle ids / union of organelles / 1 mitochondrion, 2 vesicle (<see cref="OrganelleGenerator"/>)</description></item>
/// <item><term>tissue</term><description>tissue pieces / tissue / texture 1–4 (<see cref="TissueGenerator"/>)</description></item>
/// <item><term>em</term><description>cell ids (no background) / cell boundaries / 1 mitochondrion, 2 vesicle, 3 myelin, 4 postsynaptic density (<see cref="EmSectionGenerator"/>)</description></item>
/// </list>
/// </summary>
public static class SyntheticData
{
    /// <summary>The generator kinds.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["nuclei", "organelles", "tissue", "em"];

    /// <summary>
    /// The default options of <paramref name="kind"/>; for <c>em</c> and <c>organelles</c>,
    /// <paramref name="preset"/> names an <see cref="EmPresets"/> domain (default <c>songbird-sbem</c>).
    /// </summary>
    public static SyntheticOptions DefaultOptions(string kind, string? preset = null)
    {
        if (preset is not null && kind is not ("em" or "organelles"))
            throw new NeuroLensException($"synthetic kind '{kind}' takes no preset (got '{preset}'); presets apply to em and organelles.");
        return kind switch
        {
            "nuclei" => new NucleiOptions(),
            "organelles" => preset is null ? new OrganelleOptions() : new OrganelleOptions { Background = EmPresets.Get(preset) },
            "tissue" => new TissueOptions(),
            "em" => EmPresets.Get(preset ?? "songbird-sbem"),
            _ => throw new NeuroLensException($"synthetic kind '{kind}' is unknown; expected one of {string.Join(", ", Kinds)}."),
        };
    }

    /// <summary>Generates one sample with the generator that <paramref name="options"/> belongs to.</summary>
    public static SyntheticSample Generate(SyntheticOptions options, int seed) => options switch
    {
        NucleiOptions o => NucleiGenerator.Generate(o, seed),
        OrganelleOptions o => OrganelleGenerator.Generate(o, seed),
        TissueOptions o => TissueGenerator.Generate(o, seed),
        EmSectionOptions o => EmSectionGenerator.Generate(o, seed),
        _ => throw new NeuroLensException($"no synthetic generator takes {options.GetType().Name}."),
    };

    /// <summary>Generates one sample of <paramref name="kind"/> with default options (and EM preset).</summary>
    public static SyntheticSample Generate(string kind, int seed, string? preset = null) => Generate(DefaultOptions(kind, preset), seed);

    /// <summary>
    /// The defaults of <paramref name="kind"/> (and <paramref name="preset"/>) resized to the given extents
    /// (depth 1 for a 2D image) and, where given, set to a target object prevalence: the fraction of
    /// level-0 chunks of the generator's chunk size holding an object (nuclei, organelles and tissue; EM
    /// sections are dense by nature and take none).
    /// </summary>
    public static SyntheticOptions Options(string kind, string? preset, int width, int height, int depth, double? prevalence)
    {
        var options = DefaultOptions(kind, preset) with { Width = width, Height = height, Depth = depth };
        if (prevalence is double p)
        {
            options = options switch
            {
                NucleiOptions o => o with { Placement = o.Placement with { TargetPrevalence = p } },
                OrganelleOptions o => o with { Placement = o.Placement with { TargetPrevalence = p } },
                TissueOptions o => o with { TargetPrevalence = p },
                _ => throw new NeuroLensException($"synthetic kind '{kind}' fills the whole image and takes no target prevalence."),
            };
        }
        options.Validate();
        return options;
    }
}
