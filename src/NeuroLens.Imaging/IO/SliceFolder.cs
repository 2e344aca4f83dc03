namespace NeuroLens.Imaging.IO;

/// <summary>
/// A folder of 2D PNG or TIFF images, one per z slice, read as one volume: slices are the files ending in
/// <c>.png</c>, or in <c>.tif</c>/<c>.tiff</c> (any case; hidden files and other files are ignored),
/// sorted by <see cref="NaturalOrder"/> (<c>z2</c> before <c>z10</c>); slice i is z = i. Every slice must
/// be a single 2D image with the first slice's height, width, channels and voxel type, or the read fails
/// naming the offending file. The voxel size is the first slice's in y and x and 1 in z (slices store no
/// z spacing). All headers are checked before any voxel is read; a region reads only its z slices.
/// </summary>
public static class SliceFolder
{
    private static readonly string[] PngExtensions = [".png"];
    private static readonly string[] TiffExtensions = [".tif", ".tiff"];

    /// <summary>Whether <paramref name="folder"/> holds at least one PNG or TIFF file (it may still fail to read).</summary>
    public static bool HasSlices(string folder) =>
        Directory.Exists(folder) && Candidates(folder).Any(f => IsOf(f, PngExtensions) || IsOf(f, TiffExtensions));

    /// <summary>The slice files in z order.</summary>
    /// <exception cref="VolumeFileException">The folder holds no slices, or both PNG and TIFF files.</exception>
    public static IReadOnlyList<string> Slices(string folder)
    {
        var files = Candidates(folder).ToList();
        var png = files.Where(f => IsOf(f, PngExtensions)).ToList();
        var tiff = files.Where(f => IsOf(f, TiffExtensions)).ToList();
        if (png.Count > 0 && tiff.Count > 0)
            throw new VolumeFileException(folder, $"holds both PNG ({Path.GetFileName(png[0])}) and TIFF ({Path.GetFileName(tiff[0])}) files; a slice folder holds one format.");
        var slices = png.Count > 0 ? png : tiff;
        if (slices.Count == 0) throw new VolumeFileException(folder, "holds no .png, .tif or .tiff slices.");
        slices.Sort((a, b) => NaturalOrder.Instance.Compare(Path.GetFileName(a), Path.GetFileName(b)));
        return slices;
    }

    /// <summary>Shape, type and voxel size from the slices' headers; every header is checked against the first.</summary>
    public static VolumeInfo Describe(string folder, long maxBytes = VolumeReadOptions.DefaultMaxBytes)
    {
        var (slices, first) = Inspect(folder, maxBytes);
        int depth = slices.Count, h = first.Shape[0], w = first.Shape[1];
        int[] shape = depth == 1 ? [h, w] : [depth, h, w];
        double[] voxelSize = [1, first.VoxelSize[1], first.VoxelSize[2]];
        return new VolumeInfo(first.Format + "-slices", first.Type, shape, first.Channels, voxelSize, first.Unit,
            [new LevelInfo(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), shape, voxelSize)]);
    }

    /// <summary>Reads the slices as one volume (2D for a single slice), or the voxels inside <paramref name="region"/>.</summary>
    public static AnyVolume Read(string folder, Box? region = null, long maxBytes = VolumeReadOptions.DefaultMaxBytes)
    {
        var (slices, first) = Inspect(folder, maxBytes);
        int depth = slices.Count, h = first.Shape[0], w = first.Shape[1], channels = first.Channels;
        var bounds = new Box(0, 0, 0, depth, h, w);
        var box = region ?? bounds;
        if (box.IsEmpty || !bounds.Contains(box)) throw new VolumeFileException(folder, $"region {box} is empty or outside the volume {bounds}.");
        long bytes = FileGuard.CheckSize(folder, maxBytes, first.Type, channels, box.Depth, box.Height, box.Width);
        var data = VoxelTypes.NewArray(first.Type, bytes / VoxelTypes.SizeOf(first.Type));
        var plane = new Box(0, box.Y0, box.X0, 1, box.Height, box.Width);
        long area = (long)box.Height * box.Width;
        for (int z = box.Z0; z < box.Z1; z++)
        {
            string file = slices[z];
            var slice = first.Format == "png" ? PngFormat.Read(file, maxBytes) : TiffFormat.Read(file, maxBytes);
            // The header promised this; a file changed since, or a header that lies, must not corrupt the volume.
            if (slice.Depth != 1 || slice.Height != h || slice.Width != w || slice.Channels != channels || slice.Type != first.Type)
                throw new VolumeFileException(file, $"holds {Shape(slice.Depth, slice.Height, slice.Width, slice.Channels, slice.Type)}, not the {Shape(1, h, w, channels, first.Type)} of the first slice.");
            var cropped = plane == new Box(0, 0, 0, 1, h, w) ? slice : slice.Crop(plane);
            for (int c = 0; c < channels; c++)
                Array.Copy(cropped.Data, c * area, data, ((long)c * box.Depth + (z - box.Z0)) * area, area);
        }
        double[] voxelSize = [1, first.VoxelSize[1], first.VoxelSize[2]];
        return AnyVolume.Wrap(data, box.Depth, box.Height, box.Width, channels, box.Depth == 1 && depth == 1 ? 2 : 3, voxelSize);
    }

    // Every slice's header, checked against the first's.
    private static (IReadOnlyList<string> Slices, VolumeInfo First) Inspect(string folder, long maxBytes)
    {
        var slices = Slices(folder);
        VolumeInfo? first = null;
        foreach (string file in slices)
        {
            var info = Describe(file, first?.Format ?? (IsOf(file, PngExtensions) ? "png" : "tiff"), maxBytes);
            if (info.Shape.Length != 2)
                throw new VolumeFileException(file, $"is a stack of {info.Shape[0]} pages; a slice folder holds one 2D image per file.");
            if (first is null) { first = info; continue; }
            if (info.Shape[0] != first.Shape[0] || info.Shape[1] != first.Shape[1] || info.Channels != first.Channels || info.Type != first.Type)
                throw new VolumeFileException(file, $"is {Shape(1, info.Shape[0], info.Shape[1], info.Channels, info.Type)} but the first slice, " +
                    $"{Path.GetFileName(slices[0])}, is {Shape(1, first.Shape[0], first.Shape[1], first.Channels, first.Type)}; every slice must match it.");
        }
        return (slices, first!);
    }

    private static VolumeInfo Describe(string file, string format, long maxBytes)
    {
        var info = format == "png" ? PngFormat.Describe(file, maxBytes) : TiffFormat.Describe(file);
        // OME-TIFF slices describe themselves as ome-tiff; the folder's format is tiff either way.
        return info.Format == "ome-tiff" ? info with { Format = "tiff" } : info;
    }

    private static string Shape(int depth, int height, int width, int channels, VoxelType type) =>
        $"{(depth == 1 ? "" : $"{depth}×")}{height}×{width} {VoxelTypes.Name(type)}{(channels == 1 ? "" : $" with {channels} channels")}";

    private static IEnumerable<string> Candidates(string folder) =>
        Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.'));

    private static bool IsOf(string file, string[] extensions) =>
        extensions.Any(e => file.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
