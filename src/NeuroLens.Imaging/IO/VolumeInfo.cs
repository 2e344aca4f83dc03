namespace NeuroLens.Imaging.IO;

/// <summary>
/// What a volume file holds, read from its header or metadata without reading the voxels
/// (<see cref="VolumeFile.Describe"/>).
/// </summary>
/// <param name="Format">The format: <c>png</c>, <c>jpeg</c>, <c>tiff</c>, <c>ome-tiff</c>, <c>hdf5</c>, <c>ome-zarr</c>, <c>zarr</c>, <c>npy</c>, <c>npz</c>.</param>
/// <param name="Type">The voxel type.</param>
/// <param name="Shape">Spatial shape in z-y-x order, without z for 2D images (as <see cref="Volume{T}.Shape"/>).</param>
/// <param name="Channels">Channels (3 for RGB).</param>
/// <param name="VoxelSize">Voxel size along z, y, x, in <paramref name="Unit"/>; 1 where the file stores none.</param>
/// <param name="Unit">Unit of the voxel size as the file names it, or null when it names none.</param>
/// <param name="Levels">Resolution levels, full resolution first (one entry for single-resolution formats).</param>
/// <param name="Dataset">HDF5: the dataset described; OME-Zarr: the level's array path; .npz: the array's name; otherwise null.</param>
public sealed record VolumeInfo(string Format, [property: System.Text.Json.Serialization.JsonConverter(typeof(VoxelTypeJsonConverter))] VoxelType Type, int[] Shape, int Channels, double[] VoxelSize, string? Unit,
    IReadOnlyList<LevelInfo> Levels, string? Dataset = null)
{
    /// <summary>2 for an image, 3 for a volume.</summary>
    public int Dimensions => Shape.Length;
}

/// <summary>One level of a multi-resolution image.</summary>
/// <param name="Path">The level's array path inside the pyramid (<c>s0</c>, <c>s1</c>, ...), or the file name.</param>
/// <param name="Shape">Spatial shape in z-y-x order, without z for 2D images.</param>
/// <param name="VoxelSize">Voxel size along z, y, x at this level.</param>
public sealed record LevelInfo(string Path, int[] Shape, double[] VoxelSize);
