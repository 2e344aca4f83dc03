namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// Synthetic electron-microscopy neuron sections and volumes with exact instance labels (transfer.md
/// §1). Cells are a randomly warped weighted (power) Voronoi partition of Poisson seeds; every voxel
/// belongs to a cell, including membrane voxels, which keep the label of the seed nearest in power
/// distance, so <c>Labels</c> has no background. Each label's region is connected (face neighbours;
/// digitisation slivers are merged into a neighbour) and labels are numbered 1, 2, … in raster order.
/// <c>Mask</c> is the boundary mask for training boundary predictors: 1 exactly where a face neighbour
/// (4 in 2D, 6 in 3D) has a different label. Membranes are drawn centred on the label change with the
/// set thickness. <c>Classes</c> marks organelles (1 = mitochondrion, 2 = vesicle), which lie inside one
/// cell clear of its membrane and myelin, myelin sheaths (3), which keep their axon's label, and
/// postsynaptic densities (4), dark thickened membrane of the cells that face a vesicle cluster (bouton);
/// <c>Objects</c> lists the organelles. Imaging effects follow in order: blur (in plane), contrast and
/// gamma, illumination field, per-section brightness, stripes, folds, shot and read noise. Section
/// jitter shifts whole sections, labels included, so the ground truth stays exact.
/// </summary>
public static class EmSectionGenerator
{
    /// <summary>Class value of mitochondria in <c>Classes</c>.</summary>
    public const int MitochondrionClass = 1;

    /// <summary>Class value of vesicles in <c>Classes</c>.</summary>
    public const int VesicleClass = 2;

    /// <summary>Class value of myelin sheaths in <c>Classes</c> (EM sections only; myelin keeps its axon's cell label).</summary>
    public const int MyelinClass = 3;

    /// <summary>Class value of postsynaptic densities in <c>Classes</c> (EM sections only).</summary>
    public const int SynapseClass = 4;

    // Relative darkening of myelin.
    private const double MyelinDarkness = 0.75;

    /// <summary>Generates one 2D patch (Depth 1) or 3D volume; the same options and seed give identical output.</summary>
    public static SyntheticSample Generate(EmSectionOptions options, int seed)
    {
        options.Validate();
        var rng = new SyntheticRng(seed);
        var cells = BuildCells(options, rng.Fork(1));
        var image = RenderCells(options, cells, rng.Fork(2));

        var placer = new ObjectPlacer(options.Depth, options.Height, options.Width, options.ZScale, 32, cells.Labels, cells.FreeDepth);
        bool threeD = options.Depth > 1;
        // Densities count profiles per 10⁶ voxels of a section. A volume gets N_V = n_A / E bodies per unit
        // volume, E the body's mean extent along z, so that each of its sections shows the same profiles
        // per area as a 2D patch (stereology: n_A = N_V × mean caliper diameter).
        double spread = options.VesicleRadius * (1 + Math.Sqrt(options.VesiclesPerCluster)) * 0.7;
        double mitoPerVoxel = options.MitochondriaDensity * (threeD ? options.ZScale / (2 * options.MitochondriaRadius + 0.9 * options.MitochondriaHalfLength) : 1);
        double clustersPerVoxel = options.VesicleClusterDensity * (threeD ? options.ZScale / (2 * spread + 2 * options.VesicleRadius) : 1);
        double voxels = (double)options.Depth * options.Height * options.Width;
        var organelleRng = rng.Fork(3);
        placer.Run(organelleRng, new PlacementOptions { Density = mitoPerVoxel, MaxAttempts = 200 },
            (r, centre, id) => Mitochondrion(r, centre, id, options, cells.FreeDepth), options.MembraneThickness);
        int mitochondria = placer.Objects.Count;
        // Vesicle clusters are synaptic boutons: centred near the cell's membrane, facing a postsynaptic density.
        var boutons = BoutonCentres(options, cells, organelleRng, organelleRng.Poisson(clustersPerVoxel * voxels / 1e6), spread);
        int clusters = boutons.Length;
        if (clusters > 0)
            placer.Run(organelleRng, new PlacementOptions
            {
                Count = clusters * options.VesiclesPerCluster,
                Clustering = 1,
                ClusterCount = clusters,
                ClusterSpread = spread,
                MaxAttempts = 20,
            }, (r, centre, id) => Vesicle(r, centre, id, options, threeD), options.MembraneThickness, boutons);
        RenderOrganelles(image, placer, options);
        var classes = placer.Classes;
        long synapseVoxels = PostsynapticDensities(options, cells, boutons, spread, placer.Objects, image, classes);
        ApplyImaging(image, options, rng.Fork(4));

        for (long i = 0; i < classes.LongLength; i++)
            if (InMyelin(cells, i)) classes[i] = MyelinClass;
        var boundaries = LabelTopology.Boundaries(cells.Labels, options.Depth, options.Height, options.Width);
        return new SyntheticSample("em", seed, options,
            SyntheticSample.Wrap(image, options), SyntheticSample.Wrap(cells.Labels, options),
            SyntheticSample.Wrap(boundaries, options), SyntheticSample.Wrap(classes, options), placer.Objects,
            new Dictionary<string, double>
            {
                ["cells"] = cells.Count,
                ["myelinatedAxons"] = cells.Myelinated.Count(m => m),
                ["mitochondria"] = mitochondria,
                ["vesicles"] = placer.Objects.Count - mitochondria,
                ["vesicleClusters"] = clusters,
                ["postsynapticDensityVoxels"] = synapseVoxels,
                ["mergedSliverVoxels"] = cells.MergedVoxels,
            });
    }

    /// <summary>
    /// Cell labels (1…Count, connected), each voxel's distance to its cell border, which cells are
    /// myelinated (indexed by label), how deep each voxel lies in a myelin sheath (positive inside, null
    /// without myelin), the distance left for organelles, and bookkeeping.
    /// </summary>
    internal sealed record Cells(uint[] Labels, float[] BorderDepth, bool[] Myelinated, float[]? Sheath, float[] FreeDepth, int Count, long MergedVoxels);

    /// <summary>Labels the cells of <paramref name="options"/> and picks the myelinated axons.</summary>
    internal static Cells BuildCells(EmSectionOptions options, SyntheticRng rng)
    {
        var layout = EmCellLayout.Create(options, rng);
        double maxDepth = 1.5 * options.MembraneThickness + 1.3 * options.MitochondriaRadius + 2;
        // Myelinated axons need the inscribed radius of their cell, so depths are measured further.
        if (options.MyelinFraction > 0) maxDepth = Math.Max(maxDepth, 0.6 * options.CellDiameter + options.MyelinThickness);
        var (labels, depth) = layout.Label(maxDepth);
        long merged = LabelTopology.MergeFragments(labels, options.Depth, options.Height, options.Width);
        int count = LabelTopology.Relabel(labels);

        // Myelinated axons: each cell of at least median size with probability 2 × MyelinFraction.
        var size = new long[count + 1];
        foreach (uint l in labels) size[l]++;
        long median = count == 0 ? 0 : size.Skip(1).Order().ElementAt(count / 2);
        var myelinated = new bool[count + 1];
        var myelinRng = rng.Fork(4);
        for (int c = 1; c <= count && options.MyelinFraction > 0; c++)
            myelinated[c] = myelinRng.NextDouble() < 2 * options.MyelinFraction && size[c] >= median;
        if (!myelinated.Contains(true)) return new Cells(labels, depth, myelinated, null, depth, count, merged);
        var sheath = Sheaths(options, labels, depth, myelinated);
        var free = new float[depth.LongLength];
        for (long i = 0; i < depth.LongLength; i++) free[i] = myelinated[labels[i]] ? -sheath[i] : depth[i];
        return new Cells(labels, depth, myelinated, sheath, free, count, merged);
    }

    // Myelin sheath depth per voxel of a myelinated axon, per section: the axon is a round core of radius
    // (inscribed radius − thickness) around the profile's centroid, the sheath everything else of the
    // profile and at least the set thickness wide, so axons look round inside polygonal sheaths.
    private static float[] Sheaths(EmSectionOptions o, uint[] labels, float[] depth, bool[] myelinated)
    {
        int h = o.Height, w = o.Width;
        long plane = (long)h * w;
        var sheath = new float[labels.LongLength];
        var profiles = new Dictionary<(uint, int), (double Y, double X, long N, double Inscribed)>();
        for (long i = 0; i < labels.LongLength; i++)
        {
            if (!myelinated[labels[i]]) continue;
            var key = (labels[i], (int)(i / plane));
            var p = profiles.GetValueOrDefault(key);
            profiles[key] = (p.Y + i % plane / w, p.X + i % w, p.N + 1, Math.Max(p.Inscribed, depth[i]));
        }
        for (long i = 0; i < labels.LongLength; i++)
        {
            if (!myelinated[labels[i]]) continue;
            var p = profiles[(labels[i], (int)(i / plane))];
            double dy = i % plane / w - p.Y / p.N, dx = i % w - p.X / p.N;
            double core = Math.Max(1, p.Inscribed - o.MyelinThickness);
            sheath[i] = (float)Math.Max(o.MyelinThickness - depth[i], Math.Sqrt(dy * dy + dx * dx) - core);
        }
        return sheath;
    }

    private static bool InMyelin(Cells cells, long i) => cells.Sheath is { } sheath && sheath[i] > 0;

    // Bouton centres: random voxels whose distance to the cell border leaves room for one vesicle but
    // not much more, so each cluster sits against a membrane.
    private static double[][] BoutonCentres(EmSectionOptions o, Cells cells, SyntheticRng rng, int count, double spread)
    {
        double lo = o.MembraneThickness + o.VesicleRadius, hi = lo + Math.Max(2, 0.5 * spread);
        var near = new List<int>();
        for (int i = 0; i < cells.FreeDepth.Length; i++)
            if (cells.FreeDepth[i] >= lo && cells.FreeDepth[i] < hi && cells.BorderDepth[i] < cells.FreeDepth[i] + 0.5) near.Add(i);
        if (near.Count == 0) return [];
        var centres = new double[count][];
        long plane = (long)o.Height * o.Width;
        for (int k = 0; k < count; k++)
        {
            int i = near[rng.NextInt(near.Count)];
            centres[k] = [i / plane * o.ZScale, i % plane / o.Width, i % o.Width];
        }
        return centres;
    }

    // Postsynaptic densities: the membrane band of the neighbouring cells within one cluster spread of a
    // bouton centre, thickened and darkened; marked SynapseClass. Boutons that received no vesicle in
    // their own cell get none. Returns the voxels marked.
    private static long PostsynapticDensities(EmSectionOptions o, Cells cells, double[][] boutons, double spread, List<PlacedObject> organelles, float[] image, byte[] classes)
    {
        int d = o.Depth, h = o.Height, w = o.Width;
        double reach = spread + o.MembraneThickness, band = 1.2 * o.MembraneThickness + 1;
        long marked = 0;
        foreach (var c in boutons)
        {
            int cz = (int)Math.Round(c[0] / o.ZScale), cy = (int)c[1], cx = (int)c[2];
            uint pre = cells.Labels[((long)cz * h + cy) * w + cx];
            bool hasVesicle = organelles.Any(v => v.Class == VesicleClass
                && cells.Labels[VoxelOf(o, v.Center)] == pre
                && Math.Abs(v.Center[0] - c[0]) + Math.Abs(v.Center[1] - c[1]) + Math.Abs(v.Center[2] - c[2]) < 4 * spread);
            if (!hasVesicle) continue;
            int rz = (int)Math.Ceiling(reach / o.ZScale), r = (int)Math.Ceiling(reach);
            for (int z = Math.Max(0, cz - rz); z <= Math.Min(d - 1, cz + rz); z++)
                for (int y = Math.Max(0, cy - r); y <= Math.Min(h - 1, cy + r); y++)
                    for (int x = Math.Max(0, cx - r); x <= Math.Min(w - 1, cx + r); x++)
                    {
                        long i = ((long)z * h + y) * w + x;
                        double dz = z * o.ZScale - c[0], dy = y - c[1], dx = x - c[2];
                        if (cells.Labels[i] == pre || classes[i] != 0 || cells.BorderDepth[i] >= band || dz * dz + dy * dy + dx * dx > reach * reach) continue;
                        image[i] *= (float)(1 - 0.6 * o.MembraneDarkness);
                        classes[i] = SynapseClass;
                        marked++;
                    }
        }
        return marked;
    }

    /// <summary>Cytoplasm (per-cell brightness × texture) darkened by membranes of the set thickness.</summary>
    internal static float[] RenderCells(EmSectionOptions options, Cells cells, SyntheticRng rng)
    {
        int d = options.Depth, h = options.Height, w = options.Width;
        var brightness = new double[cells.Count + 1];
        var cellRng = rng.Fork(1);
        for (int c = 1; c <= cells.Count; c++) brightness[c] = options.CytoplasmIntensity + options.CellIntensitySpread * cellRng.Gaussian();
        double ts = options.TextureScale;
        var texture = SyntheticFields.FilteredNoise(rng.Fork(2), d, h, w, d > 1 ? ts / options.ZScale : 0, ts, ts);
        double sigma = options.MembraneThickness / 2.3548; // FWHM → sigma
        var image = new float[texture.LongLength];
        for (long i = 0; i < image.LongLength; i++)
        {
            double v = brightness[cells.Labels[i]] * (1 + options.TextureAmplitude * texture[i]);
            double m = cells.BorderDepth[i] / sigma;
            v *= 1 - options.MembraneDarkness * Math.Exp(-0.5 * m * m);
            // Myelin: a dark sheath whose inner edge is softened over one voxel.
            if (cells.Sheath is { } sheath && cells.Myelinated[cells.Labels[i]])
                v *= 1 - MyelinDarkness * Math.Clamp(sheath[i] + 0.5, 0, 1);
            image[i] = (float)v;
        }
        return image;
    }

    /// <summary>
    /// A mitochondrion: a capsule that runs along its neurite (the cell elongation direction with some
    /// scatter; a random direction with probability 1/Elongation) and whose radius is shrunk to fit the
    /// cell at its centre (<paramref name="borderDepth"/> less a membrane thickness).
    /// </summary>
    internal static PlacedObject Mitochondrion(SyntheticRng r, double[] centre, uint id, EmSectionOptions o, float[] borderDepth)
    {
        bool threeD = o.Depth > 1;
        double room = borderDepth[VoxelOf(o, centre)] - o.MembraneThickness;
        double radius = o.MitochondriaRadius * r.Uniform(0.7, 1.3);
        if (room >= 2) radius = Math.Min(radius, 0.9 * room);
        double half = o.MitochondriaHalfLength * r.Uniform(0.3, 1.5);
        double[] axes;
        if (r.NextDouble() < 1 / o.Elongation) axes = PlacedObject.RandomAxes(r, threeD, mainInPlane: true);
        else
        {
            var d = EmCellLayout.Direction(o);
            double[] a = [threeD ? d[0] + 0.25 * r.Gaussian() : 0, d[1] + 0.25 * r.Gaussian(), d[2] + 0.25 * r.Gaussian()];
            axes = PlacedObject.FrameAround(a);
        }
        return new PlacedObject(id, MitochondrionClass, ObjectShape.Capsule, centre, [half, radius, radius], axes, o.MitochondriaDarkness);
    }

    /// <summary>Index of the voxel nearest to the physical point <paramref name="p"/> (z, y, x), clamped to the volume.</summary>
    private static long VoxelOf(EmSectionOptions o, double[] p)
    {
        int z = Math.Clamp((int)Math.Round(p[0] / o.ZScale), 0, o.Depth - 1);
        int y = Math.Clamp((int)Math.Round(p[1]), 0, o.Height - 1), x = Math.Clamp((int)Math.Round(p[2]), 0, o.Width - 1);
        return ((long)z * o.Height + y) * o.Width + x;
    }

    /// <summary>A vesicle: a small sphere.</summary>
    internal static PlacedObject Vesicle(SyntheticRng r, double[] centre, uint id, EmSectionOptions o, bool threeD)
    {
        double radius = o.VesicleRadius * r.Uniform(0.8, 1.2);
        return new PlacedObject(id, VesicleClass, ObjectShape.Ellipsoid, centre, [radius, radius, radius],
            PlacedObject.RandomAxes(r, threeD), o.MembraneDarkness);
    }

    /// <summary>
    /// Draws the placed organelles over the cytoplasm: mitochondria as a dark matrix with lighter cristae
    /// lamellae across the long axis inside a dark double membrane; vesicles as a dark membrane ring of
    /// the preset's membrane thickness around a slightly lighter lumen.
    /// </summary>
    internal static void RenderOrganelles(float[] image, ObjectPlacer placer, EmSectionOptions options)
    {
        int h = options.Height, w = options.Width;
        double period = Math.Max(3, options.MitochondriaRadius * 0.7);
        // A vesicle's membrane is the same bilayer as a cell's: a dark profile of the preset's membrane
        // thickness (FWHM → σ), centred one σ inside the surface.
        double membrane = Math.Max(0.7, options.MembraneThickness / 2.3548);
        for (long i = 0; i < image.LongLength; i++)
        {
            uint id = placer.Labels[i];
            if (id == 0) continue;
            var obj = placer.Objects[(int)id - 1];
            double z = i / ((long)h * w) * options.ZScale, y = i / w % h, x = i % w;
            double inside = obj.InsideDepth(z, y, x);
            double v = image[i];
            if (obj.Class == MitochondrionClass)
            {
                double cristae = Math.Pow(0.5 + 0.5 * Math.Cos(2 * Math.PI * obj.AlongAxis(z, y, x) / period + obj.Id), 6);
                double matrix = 1 - obj.Intensity * (1 - 0.55 * cristae * Math.Min(1, inside / 2));
                double rim = Math.Exp(-0.5 * Math.Pow(inside / 0.9, 2));
                v *= matrix * (1 - 0.5 * rim);
            }
            else
            {
                double ring = Math.Exp(-0.5 * Math.Pow((inside - membrane) / membrane, 2));
                v = Math.Min(1, v * 1.08) * (1 - obj.Intensity * ring);
            }
            image[i] = (float)v;
        }
    }

    /// <summary>Blur, contrast, gamma, illumination, section brightness, stripes, folds and noise, clipped to [0, 1].</summary>
    internal static void ApplyImaging(float[] image, EmSectionOptions o, SyntheticRng rng)
    {
        int d = o.Depth, h = o.Height, w = o.Width;
        SyntheticBlur.Blur(image, d, h, w, 0, o.BlurSigma, o.BlurSigma);
        var field = SyntheticFields.Smooth(rng.Fork(1), d, h, w, o.ZScale, o.IlluminationScale, 4);
        var sectionRng = rng.Fork(2);
        double ca = Math.Cos(o.StripeAngle), sa = Math.Sin(o.StripeAngle);
        for (int z = 0; z < d; z++)
        {
            double gain = d > 1 ? 1 + o.SectionBrightnessJitter * sectionRng.Gaussian() : 1;
            // Stripes: a random value per stripe across the stripe direction, cosine-interpolated.
            int stripes = (int)Math.Ceiling((h + w) / o.StripePeriod) + 2;
            var stripe = new double[stripes + 1];
            for (int k = 0; k <= stripes; k++) stripe[k] = sectionRng.Uniform(-1, 1);
            bool fold = sectionRng.NextDouble() < o.FoldProbability;
            double foldAngle = sectionRng.Uniform(0, Math.PI), foldY = sectionRng.Uniform(0, h), foldX = sectionRng.Uniform(0, w);
            double fc = Math.Cos(foldAngle), fs = Math.Sin(foldAngle);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    long i = ((long)z * h + y) * w + x;
                    double v = 0.5 + o.Contrast * (image[i] - 0.5);
                    v = Math.Pow(Math.Clamp(v, 0, 1), o.Gamma);
                    v *= gain * (1 + o.IlluminationVariation * field[i]);
                    double u = ((y * ca - x * sa) + w) / o.StripePeriod;
                    int k = Math.Clamp((int)u, 0, stripes - 1);
                    double t = 0.5 - 0.5 * Math.Cos(Math.PI * (u - k));
                    v += o.StripeAmplitude * (stripe[k] * (1 - t) + stripe[k + 1] * t);
                    if (fold)
                    {
                        double s = Math.Abs((y - foldY) * fc - (x - foldX) * fs);
                        double band = Math.Clamp((o.FoldWidth / 2 - s) / 2 + 0.5, 0, 1);
                        v *= 1 - o.FoldDarkness * band;
                    }
                    image[i] = (float)v;
                }
        }
        SyntheticFields.CameraNoise(image, rng.Fork(3), o.Photons, o.ReadNoise);
    }
}
