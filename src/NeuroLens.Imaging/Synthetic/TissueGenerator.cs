using NeuroLens.Core;

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

    /// <summary>Nucleus size: sigma of the noise whose peaks are nuclei, in xy voxels.</summary>
    public double NucleusScale { get; init; } = 2.8;

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
        if (!(PieceScale > 0 && RegionScale > 0 && NucleusScale > 0 && StainStrength >= 0 && EdgeRoughness >= 0 && BlurSigma >= 0 && Photons >= 0 && ReadNoise >= 0))
            throw new NeuroLensException("tissue PieceScale, RegionScale and NucleusScale must be positive and StainStrength, EdgeRoughness, BlurSigma, Photons, ReadNoise non-negative.");
        if (!(Background is > 0 and <= 1)) throw new NeuroLensException($"tissue Background must lie in (0, 1], got {Background}.");
    }
}

/// <summary>
/// Tissue sections: pieces of tissue (the upper level set of smoothed noise) on an empty slide, divided
/// into regions of up to four filtered-noise textures with different spectra, rendered by Beer–Lambert
/// absorption of haematoxylin, eosin or DAB with the stain vectors of Ruifrok and Johnston (2001).
/// Ground truth: <c>Mask</c> = tissue; <c>Labels</c> = connected tissue pieces; <c>Classes</c> = texture
/// (1 cellular, 2 fibrous, 3 loose, 4 dense cellular) inside tissue.
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
        var (haem, second) = StainAmounts(options, rng.Fork(4), classes);

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
            SyntheticSample.Wrap(classes, options), [],
            new Dictionary<string, double>
            {
                ["pieces"] = pieces,
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
        Parallel.For(0, d * h, row =>
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

    // Stain amounts per voxel for the four textures, each a different spectrum: nuclei as peaks of
    // band-limited noise; fibres as strongly anisotropic noise; loose tissue as coarse noise with lumina.
    private static (float[] Haematoxylin, float[] Second) StainAmounts(TissueOptions o, SyntheticRng rng, byte[] classes)
    {
        int d = o.Depth, h = o.Height, w = o.Width;
        double zs = d > 1 ? 1 / o.ZScale : 0, ns = o.NucleusScale;
        var nuclei = SyntheticFields.FilteredNoise(rng.Fork(1), d, h, w, ns * zs, ns, ns);
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
                case 1: // cellular: round nuclei (top ~10 % of band-limited noise) in granular cytoplasm
                    hAmount = 0.12 + 0.9 * Smoothstep(nuclei[i], 0.8, 1.2);
                    sAmount = 0.45 + 0.12 * fine[i];
                    break;
                case 2: // fibrous: streaks along x, few elongated nuclei
                    hAmount = 0.08 + 0.8 * Smoothstep(fibres[i] + 0.5 * nuclei[i], 2.0, 2.4);
                    sAmount = 0.65 + 0.3 * fibres[i];
                    break;
                case 3: // loose: coarse texture with empty lumina
                    hAmount = 0.06 + 0.8 * Smoothstep(nuclei[i], 1.8, 2.2);
                    sAmount = coarse[i] > 0.9 ? 0.04 : 0.3 + 0.15 * coarse[i] + 0.06 * fine[i];
                    break;
                default: // dense cellular: crowded nuclei, little cytoplasm
                    hAmount = 0.2 + 0.9 * Smoothstep(nuclei[i], 0.2, 0.7);
                    sAmount = 0.25 + 0.08 * fine[i];
                    break;
            }
            // DAB marks the cytoplasm of the cellular textures only, as an immunostain would mark one cell type.
            if (dab) sAmount = classes[i] is 1 or 4 ? 1.3 * sAmount : 0.05;
            haem[i] = (float)Math.Max(0, hAmount);
            second[i] = (float)Math.Max(0, sAmount);
        }
        return (haem, second);
    }

    private static double Smoothstep(double v, double lo, double hi)
    {
        double t = Math.Clamp((v - lo) / (hi - lo), 0, 1);
        return t * t * (3 - 2 * t);
    }
}
