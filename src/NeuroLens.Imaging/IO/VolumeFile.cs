using NeuroLens.Core;

namespace NeuroLens.Imaging.IO;

/// <summary>The file formats <see cref="VolumeFile"/> reads and writes.</summary>
public enum VolumeFormat
{
    /// <summary>PNG image (8/16-bit grey, grey + alpha, RGB, RGBA).</summary>
    Png,
    /// <summary>JPEG image (8-bit grey or RGB; lossy).</summary>
    Jpeg,
    /// <summary>TIFF image or multi-page stack, with OME-XML where present.</summary>
    Tiff,
    /// <summary>HDF5 file; one dataset is read (CREMI <c>volumes/raw</c> by default).</summary>
    Hdf5,
    /// <summary>OME-Zarr multiscale image (a folder), or a single zarr v2 array.</summary>
    Zarr,
    /// <summary>NumPy <c>.npy</c> array: <c>[y, x]</c>, <c>[z, y, x]</c> or <c>[c, z, y, x]</c>; no voxel size (1).</summary>
    Npy,
    /// <summary>NumPy <c>.npz</c> archive; one named array is read (<see cref="VolumeReadOptions.Dataset"/>), as for <see cref="Npy"/>.</summary>
    Npz,
    /// <summary>A folder of 2D PNG or TIFF images, one per z slice, in natural name order (<see cref="SliceFolder"/>); read only.</summary>
    Slices,
}

/// <summary>
/// One entry point for volume files. Reading detects the format from the file's first bytes (PNG,
/// JPEG, TIFF, HDF5, NumPy .npy and zip (.npz) signatures) or, for a folder, from its zarr metadata
/// or, failing that, its PNG or TIFF files, read as z slices (<see cref="SliceFolder"/>);
/// writing picks it from the extension: <c>.png .jpg .jpeg .tif .tiff .ome.tif .ome.tiff .h5 .hdf5
/// .zarr .npy .npz</c>. NumPy files (<see cref="NpyFormat"/>) have no voxel size: it reads as 1. Volumes are C order
/// <c>[channel, z, y, x]</c>; voxel sizes z-y-x in the file's unit. Failures are one-line
/// <see cref="VolumeFileException"/>s naming the file.
/// </summary>
public static class VolumeFile
{
    /// <summary>Reads a volume, of whatever voxel type the file holds.</summary>
    public static AnyVolume Read(string path, VolumeReadOptions? options = null)
    {
        options ??= new VolumeReadOptions();
        var format = Detect(path);
        if (format == VolumeFormat.Zarr && !OmeZarr.IsArray(path)) return OmeZarr.Read(path, options.Level, options.Region, options.MaxBytes);
        if (options.Level != 0) throw new VolumeFileException(path, $"level {options.Level} asked of a {format} file, which has one resolution level.");
        if (format == VolumeFormat.Slices) return SliceFolder.Read(path, options.Region, options.MaxBytes);
        if (format == VolumeFormat.Zarr) return ZarrArray.Open(path).Read(options.Region, options.MaxBytes);
        if (format == VolumeFormat.Hdf5) return Hdf5Format.Read(path, options.Dataset, options.MaxBytes, options.Region);
        var volume = format switch
        {
            VolumeFormat.Npy or VolumeFormat.Npz => NpyFormat.Read(path, options.Dataset, options.MaxBytes),
            VolumeFormat.Png => PngFormat.Read(path, options.MaxBytes),
            VolumeFormat.Jpeg => JpegFormat.Read(path, options.MaxBytes),
            _ => TiffFormat.Read(path, options.MaxBytes),
        };
        if (options.Region is not { } box) return volume;
        var bounds = new Box(0, 0, 0, volume.Depth, volume.Height, volume.Width);
        if (box.IsEmpty || !bounds.Contains(box)) throw new VolumeFileException(path, $"region {box} is empty or outside the volume {bounds}.");
        return volume.Crop(box);
    }

    /// <summary>Reads a volume whose voxel type must be <typeparamref name="T"/> (no conversion).</summary>
    public static Volume<T> Read<T>(string path, VolumeReadOptions? options = null) where T : unmanaged
    {
        var volume = Read(path, options);
        return volume.Volume as Volume<T>
            ?? throw new VolumeFileException(path, $"holds {VoxelTypes.Name(volume.Type)} voxels, not {typeof(T).Name}.");
    }

    /// <summary>Shape, voxel type, voxel size and levels from the file's header or metadata, without reading the voxels.</summary>
    public static VolumeInfo Describe(string path, VolumeReadOptions? options = null)
    {
        options ??= new VolumeReadOptions();
        return Detect(path) switch
        {
            VolumeFormat.Png => PngFormat.Describe(path, options.MaxBytes),
            VolumeFormat.Jpeg => JpegFormat.Describe(path),
            VolumeFormat.Tiff => TiffFormat.Describe(path),
            VolumeFormat.Hdf5 => Hdf5Format.Describe(path, options.Dataset),
            VolumeFormat.Npy or VolumeFormat.Npz => NpyFormat.Describe(path, options.Dataset),
            VolumeFormat.Slices => SliceFolder.Describe(path, options.MaxBytes),
            _ => OmeZarr.IsArray(path) ? ZarrArray.Open(path).Describe() : OmeZarr.Describe(path),
        };
    }

    /// <summary>Writes a volume in the format its extension names, atomically.</summary>
    public static void Write<T>(string path, Volume<T> volume, VolumeWriteOptions? options = null) where T : unmanaged =>
        Write(path, AnyVolume.From(volume), options);

    /// <summary>Writes a volume in the format its extension names, atomically. An <c>.h5</c> file gets one
    /// dataset (<see cref="VolumeWriteOptions.Dataset"/>); a <c>.zarr</c> folder an OME-Zarr image of one level;
    /// a <c>.npy</c> file the array alone and a <c>.npz</c> archive one array named
    /// <see cref="VolumeWriteOptions.Dataset"/> (NumPy stores no voxel size).</summary>
    public static void Write(string path, AnyVolume volume, VolumeWriteOptions? options = null)
    {
        options ??= new VolumeWriteOptions();
        switch (FormatOfExtension(path))
        {
            case VolumeFormat.Png: PngFormat.Write(path, volume); break;
            case VolumeFormat.Jpeg: JpegFormat.Write(path, volume, options.JpegQuality); break;
            case VolumeFormat.Tiff: TiffFormat.Write(path, volume, options.Unit); break;
            case VolumeFormat.Hdf5: Hdf5Format.Write(path, [(options.Dataset, volume)]); break;
            case VolumeFormat.Npy or VolumeFormat.Npz: NpyFormat.Write(path, volume, options.Dataset); break;
            default: OmeZarr.Write(path, [volume], [[1, 1, 1]], options); break;
        }
    }

    /// <summary>The format of an existing file or folder, from its content.</summary>
    public static VolumeFormat Detect(string path)
    {
        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, ".zattrs")) || File.Exists(Path.Combine(path, ".zarray"))) return VolumeFormat.Zarr;
            if (SliceFolder.HasSlices(path)) return VolumeFormat.Slices;
            throw new VolumeFileException(path, "folder is neither a zarr store (no .zattrs or .zarray) nor a folder of PNG or TIFF slices.");
        }
        if (!File.Exists(path)) throw new VolumeFileException(path, "file not found.");
        Span<byte> head = stackalloc byte[8];
        int n;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new VolumeFileException(path, $"cannot open: {e.Message}", e); }
        head = head[..n];
        if (PngFormat.IsPng(head)) return VolumeFormat.Png;
        if (JpegFormat.IsJpeg(head)) return VolumeFormat.Jpeg;
        if (TiffFormat.IsTiff(head)) return VolumeFormat.Tiff;
        if (Hdf5Format.IsHdf5(head)) return VolumeFormat.Hdf5;
        if (NpyFormat.IsNpy(head)) return VolumeFormat.Npy;
        if (NpyFormat.IsNpz(head)) return VolumeFormat.Npz;
        throw new VolumeFileException(path, "unrecognised format (not PNG, JPEG, TIFF, HDF5, NumPy .npy/.npz or a zarr folder).");
    }

    /// <summary>The format a path's extension names (for writing).</summary>
    public static VolumeFormat FormatOfExtension(string path)
    {
        string ext = Path.GetExtension(Path.TrimEndingDirectorySeparator(path)).ToLowerInvariant();
        return ext switch
        {
            ".png" => VolumeFormat.Png,
            ".jpg" or ".jpeg" => VolumeFormat.Jpeg,
            ".tif" or ".tiff" => VolumeFormat.Tiff,
            ".h5" or ".hdf5" or ".hdf" => VolumeFormat.Hdf5,
            ".zarr" => VolumeFormat.Zarr,
            ".npy" => VolumeFormat.Npy,
            ".npz" => VolumeFormat.Npz,
            _ => throw new NeuroLensException($"{path}: unknown extension '{ext}'; use .png, .jpg, .tif, .ome.tif, .h5, .zarr, .npy or .npz."),
        };
    }
}
