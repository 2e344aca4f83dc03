using NeuroLens.Core;
using NeuroLens.Core.Runtime;

namespace NeuroLens.Imaging.Synthetic;

/// <summary>How a tissue section is stained and imaged.</summary>
public enum TissueStain
{
    /// <summary>Haematoxylin (nuclei, blue-purple) and eosin (cytoplasm and stroma, pink); RGB.</summary>
    HematoxylinEosin,

    /// <summary>Haematoxylin counterstain with DAB immunostaining (brown) in some textures; RGB.</summary>
    HematoxylinDab,

    /// <summary>The H&amp;E image as one grey channel (luminance 0.299 R + 0.587 G + 0.114 B).</summary>
    Grey,
}

/// <summary>Options of <see cref="TissueGenerator"/>: stained tissue pieces on an empty slide.</summary>
public sealed record TissueOptions : SyntheticOptions
{
    /// <summary>Fraction of the image covered by tissue, in (0, 1), when <see cref="TargetPrevalence"/> is not set.</summary>
    public double Coverage { get; init; } = 0.35;

    /// <summary>
    /// When set, the fraction of chunks of <see cref="ChunkSize"/> that hold tissue, met exactly up to
    /// one chunk (the tissue threshold is set between two chunk maxima of the shape field).
    /// </summary>
    public double? TargetPrevalence { get; init; }

    /// <summary>Chunk extent per axis, in voxels, for <see cref="TargetPrevalence"/>.</summary>
    public int ChunkSize { get; init; } = 32;

    /// <summary>Size of the tissue pieces: sigma of the smoothed noise whose upper level set they are, in xy voxels.</summary>
    public double PieceScale { get; init; } = 40;

    /// <summary>Relative amplitude of fine noise that roughens the tissue edges.</summary>
    public double EdgeRoughness { get; init; } = 0.06;

    /// <summary>Number of distinct textures, 1 to 4: cellular, fibrous, loose and dense cellular.</summary>
    public int TextureCount { get; init; } = 3;

    /// <summary>Mean spacing of the texture regions (a warped Voronoi partition of the tissue), in xy voxels.</summary>
    public double RegionScale { get; init; } = 90;

    /// <summary>Stain and colour model.</summary>
    public TissueStain Stain { get; init; } = TissueStain.HematoxylinEosin;

    /// <summary>Optical density scale of all stains (1 = typical slide).</summary>
    public double StainStrength { get; init; } = 1;

    /// <summary>Mean nucleus radius, in xy voxels (spindle-shaped nuclei of the fibrous texture are longer).</summary>
    public double NucleusRadius { get; init; } = 4.5;

    /// <summary>Brightness of empty glass, in [0, 1].</summary>
    public double Background { get; init; } = 0.94;

    /// <summary>Optical blur sigma, in xy voxels.</summary>
    public double BlurSigma { get; init; } = 0.7;

    /// <summary>Photons at intensity 1 (shot noise; 0 disables).</summary>
    public double Photons { get; init; } = 400;

    /// <summary>Gaussian read-noise standard deviation.</summary>
    public double ReadNoise { get; init; } = 0.01;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!(Coverage > 0 && Coverage < 1)) throw new NeuroLensException($"tissue Coverage must lie in (0, 1), got {Coverage}.");
        if (TargetPrevalence is double p && !(p >= 0 && p <= 1)) throw new NeuroLensException($"tissue TargetPrevalence must lie in [0, 1], got {p}.");
        if (ChunkSize < 1) throw new NeuroLensException($"tissue ChunkSize must be positive, got {ChunkSize}.");
        if (TextureCount is < 1 or > 4) throw new NeuroLensException($"tissue TextureCount must lie in 1..4, got {TextureCount}.");
        if (!(PieceScale > 0 && RegionScale > 0 && NucleusRadius > 0 && StainStrength >= 0 && EdgeRoughness >= 0 && BlurSigma >= 0 && Photons >= 0 && ReadNoise >= 0))
            throw new NeuroLensException("tissue PieceScale, RegionScale and NucleusRadius must be positive and StainStrength, EdgeRoughness, BlurSigma, Photons, ReadNoise non-negative.");
        if (!(Background is > 0 and <= 1)) throw new NeuroLensException($"tissue Background must lie in (0, 1], got {Background}.");
    }
}

/// <summary>
/// Tissue sections: pieces of tissue (the upper level set of smoothed noise) on an empty slide, divided
/// into regions of up to four filtered-noise textures with different spectra, rendered by Beer–Lambert
/// absorption of haematoxylin, eosin or DAB with the stain vectors of Ruifrok and Johnston (2001).
/// Nuclei are placed ellipsoids (round and crowded in cellular textures, spindle-shaped along the fibres
/// in fibrous ones) inside one texture region. Ground truth: <c>Mask</c> = tissue; <c>Labels</c> =
/// connected tissue pieces; <c>Classes</c> = texture (1 cellular, 2 fibrous, 3 loose, 4 dense cellular)
/// inside tissue; <c>Objects</c> = the nuclei (their <c>Class</c> is their texture).
/// </summary>
public static class TissueGenerator
{
    private static readonly double[] Haematoxylin = [0.650, 0.704, 0.286], Eosin = [0.072, 0.990, 0.105], Dab = [0.268, 0.570, 0.776];

    /// <summary>Generates one image; the same options and seed give identical output.</summary>
    public static SyntheticSample Generate(TissueOptions options, int seed)
    {
        options.Validate();
        var rng = new SyntheticRng(seed);
        int d = options.Depth, h = options.Height, w = options.Width;
        double zs = d > 1 ? 1 / options.ZScale : 0;
        long n = (long)d * h * w;

        // Tissue shape: smooth field plus edge roughness, thresholded for coverage or prevalence.
        var shape = SyntheticFields.FilteredNoise(rng.Fork(1), d, h, w, options.PieceScale * zs, options.PieceScale, options.PieceScale);
        var rough = SyntheticFields.FilteredNoise(rng.Fork(2), d, h, w, 2.5 * zs, 2.5, 2.5);
        for (long i = 0; i < n; i++) shape[i] += (float)(options.EdgeRoughness * rough[i]);
        double threshold = options.TargetPrevalence is double p ? ThresholdForPrevalence(shape, options, p) : Quantile(shape, 1 - options.Coverage);
        var mask = new byte[n];
        for (long i = 0; i < n; i++) mask[i] = shape[i] > threshold ? (byte)1 : (byte)0;
        var (labels, pieces) = LabelTopology.ComponentsOf(mask, d, h, w);

        // Texture regions: nearest of a few seeds in warped coordinates, textures cycled over seeds.
        var classes = Regions(options, rng.Fork(3), mask);
        var nuclei = PlaceNuclei(options, rng.Fork(6), classes);
        var (haem, second) = StainAmounts(options, rng.Fork(4), classes, nuclei);

        int channels = options.Stain == TissueStain.Grey ? 1 : 3;
        var secondVector = options.Stain == TissueStain.HematoxylinDab ? Dab : Eosin;
        var rgb = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            rgb[c] = new float[n];
            for (long i = 0; i < n; i++)
            {
                double od = options.StainStrength * (haem[i] * Haematoxylin[c] + second[i] * secondVector[c]);
                rgb[c][i] = (float)(options.Background * Math.Exp(-od));
            }
            SyntheticBlur.Blur(rgb[c], d, h, w, 0, options.BlurSigma, options.BlurSigma);
        }
        var image = new float[channels * n];
        if (channels == 1)
            for (long i = 0; i < n; i++) image[i] = 0.299f * rgb[0][i] + 0.587f * rgb[1][i] + 0.114f * rgb[2][i];
        else
            for (int c = 0; c < 3; c++) Array.Copy(rgb[c], 0, image, c * n, n);
        SyntheticFields.CameraNoise(image, rng.Fork(5), options.Photons, options.ReadNoise);

        var maskVolume = SyntheticSample.Wrap(mask, options);
        return new SyntheticSample("tissue", seed, options,
            SyntheticSample.Wrap(image, options, channels), SyntheticSample.Wrap(labels, options), maskVolume,
            SyntheticSample.Wrap(classes, options), nuclei.Objects,
            new Dictionary<string, double>
            {
                ["pieces"] = pieces,
                ["nuclei"] = nuclei.Objects.Count,
                ["coverage"] = mask.Count(v => v != 0) / (double)n,
                ["prevalence"] = Prevalence.Measure(maskVolume, options.ChunkSize),
                ["prevalenceChunkSize"] = options.ChunkSize,
            });
    }

    // A chunk is positive iff its largest shape value exceeds the threshold, so the threshold sits between
    // the k-th and (k+1)-th largest chunk maxima, k = round(p × chunks).
    private static double ThresholdForPrevalence(float[] shape, TissueOptions o, double p)
    {
        int d = o.Depth, h = o.Height, w = o.Width;
        var grid = new ChunkGrid(d, h, w, d == 1 ? 1 : o.ChunkSize, o.ChunkSize, o.ChunkSize);
        var max = new double[grid.Count];
        Array.Fill(max, double.NegativeInfinity);
        for (int z = 0; z < d; z++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int c = grid.ChunkOf(z, y, x);
                    max[c] = Math.Max(max[c], shape[((long)z * h + y) * w + x]);
                }
        Array.Sort(max);
        Array.Reverse(max);
        int k = (int)Math.Round(p * max.Length);
        if (k <= 0) return max[0];
        if (k >= max.Length) return double.NegativeInfinity;
        return 0.5 * (max[k - 1] + max[k]);
    }

    private static double Quantile(float[] values, double q)
    {
        var sorted = (float[])values.Clone();
        Array.Sort(sorted);
        return sorted[Math.Clamp((int)(q * sorted.Length), 0, sorted.Length - 1)];
    }

    private static byte[] Regions(TissueOptions o, SyntheticRng rng, byte[] mask)
    {
        int d = o.Depth, h = o.Height, w = o.Width;
        bool threeD = d > 1;
        double extentZ = threeD ? d * o.ZScale : 1;
        int seeds = Math.Max(o.TextureCount, (int)Math.Ceiling(extentZ * h * w / Math.Pow(o.RegionScale, threeD ? 3 : 2)));
        var points = new double[seeds][];
        for (int s = 0; s < seeds; s++) points[s] = [threeD ? rng.Uniform(0, extentZ) : 0, rng.Uniform(0, h), rng.Uniform(0, w)];
        var warpY = SyntheticFields.RandomWaves(rng, threeD, o.RegionScale, 4);
        var warpX = SyntheticFields.RandomWaves(rng, threeD, o.RegionScale, 4);
        double amplitude = 0.25 * o.RegionScale;
        var classes = new byte[mask.LongLength];
        Parallel.For(0, d * h, ComputeSettings.ParallelOptions, row =>
        {
            int z = row / h, y = row % h;
            for (int x = 0; x < w; x++)
            {
                long i = (long)row * w + x;
                if (mask[i] == 0) continue;
                double pz = z * o.ZScale, py = y + amplitude * SyntheticFields.Evaluate(warpY, pz, y, x), px = x + amplitude * SyntheticFields.Evaluate(warpX, pz, y, x);
                int best = 0;
                double bestD = double.MaxValue;
                for (int s = 0; s < seeds; s++)
                {
                    double dz = pz - points[s][0], dy = py - points[s][1], dx = px - points[s][2];
                    double dist = (threeD ? dz * dz : 0) + dy * dy + dx * dx;
                    if (dist < bestD) (best, bestD) = (s, dist);
                }
                classes[i] = (byte)(best % o.TextureCount + 1);
            }
        });
        return classes;
    }

    // Nuclei per texture: (area fraction covered, radius factor, elongation along x). Cellular tissue is
    // crowded with round nuclei, fibrous tissue has few spindle-shaped ones along its fibres, loose tissue few
    // small ones, dense cellular tissue (lymphoid-like) is packed.
    private static readonly (double Cover, double Size, double Elongation)[] NucleusKinds =
        [(0.22, 1.0, 1.2), (0.05, 0.6, 3.5), (0.04, 0.8, 1.2), (0.42, 0.85, 1.1)];

    // Places non-overlapping ellipsoidal nuclei inside the region of each texture, centres drawn from its voxels.
    private static ObjectPlacer PlaceNuclei(TissueOptions o, SyntheticRng rng, byte[] classes)
    {
        int d = o.Depth, h = o.Height, w = o.Width;
        bool threeD = d > 1;
        var regions = new uint[classes.LongLength];
        var voxelsOf = new List<int>[5];
        for (int k = 0; k < 5; k++) voxelsOf[k] = [];
        for (int i = 0; i < classes.Length; i++)
        {
            regions[i] = classes[i];
            if (classes[i] != 0) voxelsOf[classes[i]].Add(i);
        }
        var placer = new ObjectPlacer(d, h, w, o.ZScale, o.ChunkSize, regions);
        for (int k = 1; k <= o.TextureCount; k++)
        {
            var (cover, size, elongation) = NucleusKinds[k - 1];
            var voxels = voxelsOf[k];
            if (voxels.Count == 0) continue;
            double r = o.NucleusRadius * size;
            double bodyVolume = threeD ? 4.0 / 3 * Math.PI * r * r * r * elongation / o.ZScale : Math.PI * r * r * elongation;
            int count = rng.Poisson(cover * voxels.Count / bodyVolume);
            placer.Run(rng, new PlacementOptions { Count = count, MaxAttempts = 30 }, (g, _, id) =>
            {
                int v = voxels[g.NextInt(voxels.Count)];
                double[] centre = [v / (h * w) * o.ZScale, v / w % h + g.Uniform(-0.5, 0.5), v % w + g.Uniform(-0.5, 0.5)];
                double radius = r * g.Uniform(0.75, 1.25);
                double[] radii = [radius * elongation, radius * g.Uniform(0.8, 1.0), radius * g.Uniform(0.8, 1.0)];
                double[] axes = elongation > 2
                    ? PlacedObject.FrameAround([threeD ? 0.15 * g.Gaussian() : 0, 0.15 * g.Gaussian(), 1])
                    : PlacedObject.FrameAround(threeD ? [g.Gaussian(), g.Gaussian(), g.Gaussian()] : [0, g.Gaussian(), g.Gaussian()]);
                return new PlacedObject(id, k, ObjectShape.Ellipsoid, centre, radii, axes, g.Uniform(0.8, 1.1));
            });
        }
        return placer;
    }

    // Stain amounts per voxel. Nuclei: haematoxylin with chromatin texture and a darker rim. Textures have
    // different spectra: granular cytoplasm (fine noise), fibres (noise stretched 10 × along x), loose tissue
    // (coarse noise with empty lumina), and dense tissue with little cytoplasm.
    private static (float[] Haematoxylin, float[] Second) StainAmounts(TissueOptions o, SyntheticRng rng, byte[] classes, ObjectPlacer nuclei)
    {
        int d = o.Depth, h = o.Height, w = o.Width;
        double zs = d > 1 ? 1 / o.ZScale : 0;
        var fine = SyntheticFields.FilteredNoise(rng.Fork(2), d, h, w, 0.8 * zs, 0.8, 0.8);
        var fibres = SyntheticFields.FilteredNoise(rng.Fork(3), d, h, w, 0.8 * zs, 0.7, 7);
        var coarse = SyntheticFields.FilteredNoise(rng.Fork(4), d, h, w, 5 * zs, 5, 5);
        var haem = new float[classes.LongLength];
        var second = new float[classes.LongLength];
        bool dab = o.Stain == TissueStain.HematoxylinDab;
        for (long i = 0; i < classes.LongLength; i++)
        {
            double hAmount, sAmount;
            switch (classes[i])
            {
                case 0: continue;
                case 1: hAmount = 0.1; sAmount = 0.45 + 0.12 * fine[i]; break;
                case 2: hAmount = 0.06; sAmount = 0.65 + 0.3 * fibres[i]; break;
                case 3: hAmount = 0.05; sAmount = coarse[i] > 0.9 ? 0.04 : 0.3 + 0.15 * coarse[i] + 0.06 * fine[i]; break;
                default: hAmount = 0.15; sAmount = 0.25 + 0.08 * fine[i]; break;
            }
            // DAB marks the cytoplasm of the cellular textures only, as an immunostain would mark one cell type.
            if (dab) sAmount = classes[i] is 1 or 4 ? 1.3 * sAmount : 0.05;
            uint id = nuclei.Labels[i];
            if (id != 0)
            {
                var n = nuclei.Objects[(int)id - 1];
                double inside = n.InsideDepth(i / ((long)h * w) * o.ZScale, i / w % h, i % w);
                hAmount = n.Intensity * (0.85 + 0.25 * fine[i] + 0.35 * Math.Exp(-inside * inside / 0.8));
                sAmount *= 0.3;
            }
            haem[i] = (float)Math.Max(0, hAmount);
            second[i] = (float)Math.Max(0, sAmount);
        }
        return (haem, second);
    }
}
