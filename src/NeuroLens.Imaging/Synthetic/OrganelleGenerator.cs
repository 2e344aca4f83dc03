using NeuroLens.Core;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>Options of <see cref="OrganelleGenerator"/>: organelle segmentation in EM neuropil.</summary>
public sealed record OrganelleOptions : SyntheticOptions
{
    /// <summary>
    /// The EM background: cells, membranes, texture and imaging effects, and the organelle sizes and
    /// darkness (its organelle densities are not used; <see cref="Placement"/> decides). Its extent and
    /// ZScale are replaced by this record's.
    /// </summary>
    public EmSectionOptions Background { get; init; } = EmPresets.Get("fly-sstem");

    /// <summary>How many organelles and where; by default about 300 per 10⁶ voxels.</summary>
    public PlacementOptions Placement { get; init; } = new() { Density = 300 };

    /// <summary>Probability that an organelle is a mitochondrion rather than a vesicle, in [0, 1].</summary>
    public double MitochondriaFraction { get; init; } = 0.5;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Placement.Validate();
        BackgroundFor().Validate();
        if (!(MitochondriaFraction is >= 0 and <= 1)) throw new NeuroLensException($"MitochondriaFraction must lie in [0, 1], got {MitochondriaFraction}.");
    }

    /// <summary>The background options with this record's extent.</summary>
    internal EmSectionOptions BackgroundFor() => Background with { Width = Width, Height = Height, Depth = Depth, ZScale = ZScale };
}

/// <summary>
/// Organelles in EM-like texture: elongated mitochondria (dark capsules with cristae and a double
/// membrane) and round vesicles (dark rings; placed in clusters when <see cref="PlacementOptions.Clustering"/>
/// is set) on the synthetic EM neuropil of <see cref="EmSectionGenerator"/>. Organelles lie inside one
/// cell clear of its membrane. Ground truth: <c>Labels</c> = organelle ids, <c>Mask</c> = union of
/// organelles, <c>Classes</c> = 1 mitochondrion, 2 vesicle; the cells are not part of the ground truth.
/// </summary>
public static class OrganelleGenerator
{
    /// <summary>Generates one image; the same options and seed give identical output.</summary>
    public static SyntheticSample Generate(OrganelleOptions options, int seed)
    {
        options.Validate();
        var em = options.BackgroundFor();
        var rng = new SyntheticRng(seed);
        var cells = EmSectionGenerator.BuildCells(em, rng.Fork(1));
        var image = EmSectionGenerator.RenderCells(em, cells, rng.Fork(2));
        bool threeD = options.Depth > 1;
        var placer = new ObjectPlacer(options.Depth, options.Height, options.Width, options.ZScale, options.Placement.ChunkSize, cells.Labels, cells.FreeDepth);
        placer.Run(rng.Fork(3), options.Placement, (r, centre, id) => r.NextDouble() < options.MitochondriaFraction
            ? EmSectionGenerator.Mitochondrion(r, centre, id, em, cells.FreeDepth)
            : EmSectionGenerator.Vesicle(r, centre, id, em, threeD), em.MembraneThickness);
        EmSectionGenerator.RenderOrganelles(image, placer, em);
        EmSectionGenerator.ApplyImaging(image, em, rng.Fork(4));

        int mitochondria = placer.Objects.Count(o => o.Class == EmSectionGenerator.MitochondrionClass);
        return new SyntheticSample("organelles", seed, options,
            SyntheticSample.Wrap(image, options), SyntheticSample.Wrap(placer.Labels, options),
            SyntheticSample.Wrap(SyntheticSample.NonZero(placer.Labels), options), SyntheticSample.Wrap(placer.Classes, options), placer.Objects,
            new Dictionary<string, double>
            {
                ["objects"] = placer.Objects.Count,
                ["mitochondria"] = mitochondria,
                ["vesicles"] = placer.Objects.Count - mitochondria,
                ["cells"] = cells.Count,
                ["prevalence"] = placer.Prevalence,
                ["prevalenceChunkSize"] = options.Placement.ChunkSize,
            });
    }
}
