namespace NeuroLens.Imaging.IO;

/// <summary>How <see cref="VolumeFile.Read(string, VolumeReadOptions?)"/> reads a file.</summary>
public sealed record VolumeReadOptions
{
    /// <summary>Default value of <see cref="MaxBytes"/>: 2 GiB, the most one .NET array span addresses.</summary>
    public const long DefaultMaxBytes = int.MaxValue;

    /// <summary>HDF5: the dataset path inside the file; default <c>volumes/raw</c> (CREMI layout).
    /// NumPy <c>.npz</c>: the name of the array to read; with the default, an archive holding a single
    /// array of another name reads that one. Ignored by other formats.</summary>
    public string Dataset { get; init; } = Hdf5Format.CremiRaw;

    /// <summary>OME-Zarr only: the pyramid level, 0 = full resolution.</summary>
    public int Level { get; init; }

    /// <summary>Only the voxels inside this box (z-y-x voxel coordinates of the level read); null: all.
    /// Zarr reads only the chunks the box touches and HDF5 only that hyperslab;
    /// PNG, JPEG, TIFF and NumPy read the whole image and crop.</summary>
    public Box? Region { get; init; }

    /// <summary>A file declaring more voxel bytes than this is refused before anything is allocated.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;
}

/// <summary>How <see cref="VolumeFile.Write{T}(string, Volume{T}, VolumeWriteOptions?)"/> writes a file.</summary>
public sealed record VolumeWriteOptions
{
    /// <summary>HDF5: the dataset path; default <c>volumes/raw</c> (CREMI layout). The voxel size is
    /// stored as its <c>resolution</c> attribute (z-y-x). NumPy <c>.npz</c>: the array's name.</summary>
    public string Dataset { get; init; } = Hdf5Format.CremiRaw;

    /// <summary>JPEG only: quality 1–100.</summary>
    public int JpegQuality { get; init; } = 95;

    /// <summary>OME-TIFF and OME-Zarr: the unit of the voxel size, written into the metadata. OME-TIFF
    /// takes a symbol (<c>µm</c>, <c>nm</c>); OME-Zarr a UDUNITS name (<c>micrometer</c>, <c>nanometer</c>);
    /// the usual spellings of either are translated. Null: OME-TIFF states µm (the OME default),
    /// OME-Zarr states no unit.</summary>
    public string? Unit { get; init; }

    /// <summary>Zarr only: chunk extent along z, y, x (z ignored for 2D images); channels are chunked one by one.</summary>
    public int[] ZarrChunks { get; init; } = [64, 256, 256];

    /// <summary>Zarr only: the chunk compressor, <c>zlib</c>, <c>gzip</c> or null for raw chunks.</summary>
    public string? ZarrCompressor { get; init; } = "zlib";

    /// <summary>Zarr only: the compression level 0–9.</summary>
    public int ZarrCompressionLevel { get; init; } = 5;
}
