using NeuroLens.Core;
using NeuroLens.Imaging;
using NeuroLens.Imaging.IO;
using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Transfer;

/// <summary>One 2D EM patch with its neuron instance labels (0 = unlabelled).</summary>
/// <param name="Image">Intensities in [0, 1], one channel, 2D.</param>
/// <param name="Labels">Instance labels of the same extent.</param>
public sealed record TransferPatch(Volume<float> Image, Volume<uint> Labels);

/// <summary>How many patches of which size a domain provides.</summary>
public sealed record DomainSizes
{
    /// <summary>Side of the square patches, in pixels (a multiple of the U-Net's 2^depth).</summary>
    public int PatchSize { get; init; } = 128;

    /// <summary>Training patches: the source model's training set, and a target's unlabelled pool.</summary>
    public int Train { get; init; } = 16;

    /// <summary>Validation patches: threshold tuning of a source, and the source side of the MMD.</summary>
    public int Validation { get; init; } = 8;

    /// <summary>Held-out test patches: where fine-tuned models are scored.</summary>
    public int Test { get; init; } = 4;

    /// <summary>Checks the values.</summary>
    public void Validate()
    {
        if (PatchSize < 8) throw new NeuroLensException($"domain sizes: PatchSize is {PatchSize}, expected at least 8.");
        if (Train < 1 || Validation < 2 || Test < 1)
            throw new NeuroLensException($"domain sizes: expected at least 1 training, 2 validation and 1 test patch, got {Train}, {Validation}, {Test}.");
    }
}

/// <summary>
/// An EM domain of the Transfer study: a name and disjoint training, validation and test patches. Made
/// from a synthetic preset (<see cref="Synthetic"/>) or cut from image and label files (<see cref="FromFiles"/>);
/// <see cref="Load"/> parses the command line's DATA syntax for either.
/// </summary>
/// <param name="Name">The domain's name (the preset name, or the image file's name).</param>
/// <param name="Train">Training patches (a target's unlabelled pool).</param>
/// <param name="Validation">Validation patches.</param>
/// <param name="Test">Held-out test patches.</param>
/// <param name="Preset">The synthetic preset's options, or null for file data.</param>
public sealed record TransferDomain(string Name, IReadOnlyList<TransferPatch> Train, IReadOnlyList<TransferPatch> Validation,
    IReadOnlyList<TransferPatch> Test, EmSectionOptions? Preset)
{
    /// <summary>The prefix of synthetic domains in DATA arguments: <c>synthetic:mouse-sbem</c>.</summary>
    public const string SyntheticPrefix = "synthetic:";

    /// <summary>
    /// A synthetic EM domain: every patch is its own generated section of the preset, of
    /// <see cref="DomainSizes.PatchSize"/>² pixels. Patch k of the domain (train, then validation, then
    /// test) uses generator seed <c>seed × 100 000 + k</c>, so the splits never share a section.
    /// </summary>
    public static TransferDomain Synthetic(string preset, DomainSizes sizes, int seed)
    {
        sizes.Validate();
        var options = EmPresets.Get(preset) with { Width = sizes.PatchSize, Height = sizes.PatchSize };
        TransferPatch Make(int k)
        {
            var sample = SyntheticData.Generate(options, checked(seed * 100_000 + k));
            return new TransferPatch(sample.Image, sample.Labels);
        }
        int total = sizes.Train + sizes.Validation + sizes.Test;
        var patches = new TransferPatch[total];
        Parallel.For(0, total, Core.Runtime.ComputeSettings.ParallelOptions, k => patches[k] = Make(k));
        return new TransferDomain(preset, patches[..sizes.Train], patches[sizes.Train..(sizes.Train + sizes.Validation)],
            patches[(sizes.Train + sizes.Validation)..], options);
    }

    /// <summary>
    /// A domain cut from files: the image (2D or a stack of sections; CREMI HDF5 <c>volumes/raw</c>, TIFF,
    /// PNG folder, …) and its instance labels (for an HDF5 file without a separate labels file,
    /// <c>volumes/labels/neuron_ids</c> of the same file). Every section is tiled into non-overlapping
    /// <see cref="DomainSizes.PatchSize"/>² patches; patches whose labels are all 0 are dropped; the
    /// rest are shuffled with <paramref name="seed"/> and dealt into test, validation and training
    /// (training gets the remainder, up to its size).
    /// </summary>
    public static TransferDomain FromFiles(string image, string? labels, DomainSizes sizes, int seed)
    {
        sizes.Validate();
        var raw = VolumeConversion.ToUnitFloat(VolumeFile.Read(image), image);
        string labelPath = labels ?? image;
        var readLabels = labels is null ? new VolumeReadOptions { Dataset = "volumes/labels/neuron_ids" } : new VolumeReadOptions();
        var truth = VolumeConversion.ToLabels(VolumeFile.Read(labelPath, readLabels), labelPath);
        if (raw.Depth != truth.Depth || raw.Height != truth.Height || raw.Width != truth.Width)
            throw new NeuroLensException($"{labelPath}: labels {truth} do not match the image {raw} of {image}.");
        if (raw.Channels != 1) throw new NeuroLensException($"{image}: expected a single-channel EM image, got {raw.Channels} channels.");
        int p = sizes.PatchSize;
        var patches = new List<TransferPatch>();
        for (int z = 0; z < raw.Depth; z++)
            for (int y = 0; y + p <= raw.Height; y += p)
                for (int x = 0; x + p <= raw.Width; x += p)
                {
                    var box = new Box(z, y, x, 1, p, p);
                    var l = Flat(truth.Crop(box));
                    if (l.Data.All(v => v == 0)) continue;
                    patches.Add(new TransferPatch(Flat(raw.Crop(box)), l));
                }
        int needed = sizes.Validation + sizes.Test + 1;
        if (patches.Count < needed)
            throw new NeuroLensException($"{image}: {patches.Count} labelled {p}×{p} patches, expected at least {needed} (validation + test + 1 training); use a smaller patch size.");
        new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(patches));
        var test = patches.GetRange(0, sizes.Test);
        var validation = patches.GetRange(sizes.Test, sizes.Validation);
        var train = patches.Skip(sizes.Test + sizes.Validation).Take(sizes.Train).ToList();
        return new TransferDomain(Path.GetFileNameWithoutExtension(image.TrimEnd('/', '\\')), train, validation, test, null);
    }

    /// <summary>
    /// A domain from a DATA argument: <c>synthetic:PRESET</c>, <c>FILE.h5</c> (CREMI: raw and neuron
    /// ids in one file) or <c>IMAGE,LABELS</c> (two files or PNG folders).
    /// </summary>
    public static TransferDomain Load(string data, DomainSizes sizes, int seed)
    {
        if (data.StartsWith(SyntheticPrefix, StringComparison.Ordinal)) return Synthetic(data[SyntheticPrefix.Length..], sizes, seed);
        string[] parts = data.Split(',');
        return parts.Length switch
        {
            1 => FromFiles(parts[0], null, sizes, seed),
            2 => FromFiles(parts[0], parts[1], sizes, seed),
            _ => throw new NeuroLensException($"data '{data}': expected synthetic:PRESET, FILE.h5 or IMAGE,LABELS."),
        };
    }

    // A one-section crop of a stack as a 2D image.
    private static Volume<T> Flat<T>(Volume<T> section) where T : unmanaged =>
        new(section.Data, 1, section.Height, section.Width, 1, dimensions: 2);
}
