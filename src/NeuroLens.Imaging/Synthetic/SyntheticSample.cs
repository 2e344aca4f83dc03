namespace NeuroLens.Imaging.Synthetic;

/// <summary>
/// A generated image with its exact ground truth. All volumes share the image's spatial extent;
/// <see cref="Volume{T}.VoxelSize"/> is (ZScale, 1, 1) in xy-voxel units.
/// </summary>
/// <param name="Kind">The generator: <c>nuclei</c>, <c>organelles</c>, <c>tissue</c> or <c>em</c>.</param>
/// <param name="Seed">The seed that reproduces this sample with the same options.</param>
/// <param name="Options">The options it was generated with.</param>
/// <param name="Image">Intensities in [0, 1]; one channel (grey) or three (RGB, tissue only).</param>
/// <param name="Labels">Instance labels, 0 = background (for <c>em</c>: cell ids, no background).</param>
/// <param name="Mask">The task's binary foreground, 0 or 1 (for <c>em</c>: the cell-boundary mask).</param>
/// <param name="Classes">Class per voxel, 0 = none; the meaning is per kind (listed on <see cref="SyntheticData"/>).</param>
/// <param name="Objects">
/// The objects placed, object k at index k − 1: nuclei and organelles (their ids are the <c>Labels</c>),
/// the organelles of <c>em</c> and the nuclei of <c>tissue</c> (there <c>Labels</c> hold cells and tissue
/// pieces, and object ids only number the objects).
/// </param>
/// <param name="Metadata">Summary numbers: object counts, achieved prevalence and the like.</param>
public sealed record SyntheticSample(
    string Kind,
    int Seed,
    SyntheticOptions Options,
    Volume<float> Image,
    Volume<uint> Labels,
    Volume<byte> Mask,
    Volume<byte> Classes,
    IReadOnlyList<PlacedObject> Objects,
    IReadOnlyDictionary<string, double> Metadata)
{
    /// <summary>Fraction of chunks of <paramref name="chunkSize"/> voxels per axis holding a <see cref="Mask"/> voxel.</summary>
    public double Prevalence(int chunkSize, int minVoxels = 1) => Synthetic.Prevalence.Measure(Mask, chunkSize, minVoxels);

    /// <summary>The image quantised to bytes: round(255 × value).</summary>
    public Volume<byte> ImageAsBytes()
    {
        var bytes = new Volume<byte>(Image.Depth, Image.Height, Image.Width, Image.Channels, Image.Dimensions) { VoxelSize = (double[])Image.VoxelSize.Clone() };
        for (long i = 0; i < bytes.Data.LongLength; i++) bytes.Data[i] = (byte)Math.Round(255 * Math.Clamp(Image.Data[i], 0f, 1f));
        return bytes;
    }

    /// <summary>Wraps generator arrays as volumes of the options' extent.</summary>
    internal static Volume<T> Wrap<T>(T[] data, SyntheticOptions options, int channels = 1) where T : unmanaged =>
        new(data, options.Depth, options.Height, options.Width, channels, options.Dimensions) { VoxelSize = [options.ZScale, 1, 1] };

    /// <summary>A 0/1 mask of the non-zero entries.</summary>
    internal static byte[] NonZero(uint[] labels)
    {
        var mask = new byte[labels.LongLength];
        for (long i = 0; i < labels.LongLength; i++) mask[i] = labels[i] != 0 ? (byte)1 : (byte)0;
        return mask;
    }
}
