using NeuroLens.Core;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// A <see cref="Volume{T}"/> whose voxel type is known only at run time, as read from a file. It shares
/// the volume's array (no copy). Use <see cref="As{T}"/> to get the typed volume.
/// </summary>
public sealed class AnyVolume
{
    private AnyVolume(VoxelType type, object volume, Array data, int depth, int height, int width, int channels, int dimensions, Func<double[]> voxelSize)
    {
        Type = type;
        Volume = volume;
        Data = data;
        Depth = depth;
        Height = height;
        Width = width;
        Channels = channels;
        Dimensions = dimensions;
        getVoxelSize = voxelSize;
    }

    private readonly Func<double[]> getVoxelSize;

    /// <summary>The voxel type.</summary>
    public VoxelType Type { get; }
    /// <summary>The <see cref="Volume{T}"/> itself.</summary>
    public object Volume { get; }
    /// <summary>The voxels, C order <c>[channel, z, y, x]</c> (the volume's own array).</summary>
    public Array Data { get; }
    /// <summary>Voxels along z (1 for a 2D image).</summary>
    public int Depth { get; }
    /// <summary>Voxels along y.</summary>
    public int Height { get; }
    /// <summary>Voxels along x.</summary>
    public int Width { get; }
    /// <summary>Channels.</summary>
    public int Channels { get; }
    /// <summary>2 for an image, 3 for a volume.</summary>
    public int Dimensions { get; }
    /// <summary>Physical voxel size along z, y, x (the volume's own array).</summary>
    public double[] VoxelSize => getVoxelSize();

    /// <summary>The typed volume; throws when the file's voxel type is not <typeparamref name="T"/> (no silent conversion).</summary>
    public Volume<T> As<T>() where T : unmanaged =>
        Volume as Volume<T> ?? throw new NeuroLensException($"the volume holds {VoxelTypes.Name(Type)} voxels, not {typeof(T).Name}; read it with the matching type.");

    /// <summary>Runs <paramref name="visitor"/> on the volume with its concrete voxel type.</summary>
    public TResult Accept<TResult>(IVolumeVisitor<TResult> visitor) => Type switch
    {
        VoxelType.UInt8 => visitor.Visit(As<byte>()), VoxelType.Int8 => visitor.Visit(As<sbyte>()),
        VoxelType.UInt16 => visitor.Visit(As<ushort>()), VoxelType.Int16 => visitor.Visit(As<short>()),
        VoxelType.UInt32 => visitor.Visit(As<uint>()), VoxelType.Int32 => visitor.Visit(As<int>()),
        VoxelType.UInt64 => visitor.Visit(As<ulong>()), VoxelType.Int64 => visitor.Visit(As<long>()),
        VoxelType.Float32 => visitor.Visit(As<float>()), _ => visitor.Visit(As<double>()),
    };

    /// <summary>Wraps a typed volume (no copy).</summary>
    public static AnyVolume From<T>(Volume<T> volume) where T : unmanaged =>
        new(VoxelTypes.Of<T>(), volume, volume.Data, volume.Depth, volume.Height, volume.Width, volume.Channels, volume.Dimensions, () => volume.VoxelSize);

    /// <summary>Wraps an array made by <see cref="VoxelTypes.NewArray"/> as a volume of its element type.</summary>
    internal static AnyVolume Wrap(Array data, int depth, int height, int width, int channels, int dimensions, double[] voxelSize)
    {
        // Switch on the exact element type: the CLR lets a short[] pass as ushort[] (and so on) in a type pattern.
        AnyVolume Make<T>() where T : unmanaged => From(new Volume<T>((T[])data, depth, height, width, channels, dimensions) { VoxelSize = voxelSize });
        return VoxelTypes.Of(data.GetType().GetElementType()!) switch
        {
            VoxelType.UInt8 => Make<byte>(), VoxelType.Int8 => Make<sbyte>(),
            VoxelType.UInt16 => Make<ushort>(), VoxelType.Int16 => Make<short>(),
            VoxelType.UInt32 => Make<uint>(), VoxelType.Int32 => Make<int>(),
            VoxelType.UInt64 => Make<ulong>(), VoxelType.Int64 => Make<long>(),
            VoxelType.Float32 => Make<float>(), _ => Make<double>(),
        };
    }

    /// <summary>A copy of the voxels inside <paramref name="box"/>, keeping type and voxel size.</summary>
    public AnyVolume Crop(Box box) => Volume switch
    {
        Volume<byte> v => From(v.Crop(box)),
        Volume<sbyte> v => From(v.Crop(box)),
        Volume<ushort> v => From(v.Crop(box)),
        Volume<short> v => From(v.Crop(box)),
        Volume<uint> v => From(v.Crop(box)),
        Volume<int> v => From(v.Crop(box)),
        Volume<ulong> v => From(v.Crop(box)),
        Volume<long> v => From(v.Crop(box)),
        Volume<float> v => From(v.Crop(box)),
        _ => From(((Volume<double>)Volume).Crop(box)),
    };

    /// <inheritdoc />
    public override string ToString() => Volume.ToString() ?? "";
}
