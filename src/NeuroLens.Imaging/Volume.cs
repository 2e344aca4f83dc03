using NeuroLens.Core;
using TorchSharp;

namespace NeuroLens.Imaging;

/// <summary>
/// A 2D image or 3D volume, optionally multi-channel, over one contiguous array in C order
/// <c>[channel, z, y, x]</c>. A 2D image is stored with depth 1 and <see cref="Dimensions"/> = 2, so
/// every algorithm can treat it as a thin volume. Voxel size is per spatial axis in z-y-x order, in the
/// file's unit (nanometres for EM data; 1 when unknown).
/// </summary>
/// <typeparam name="T">The voxel type: byte, ushort, float, uint, ulong, ...</typeparam>
public sealed class Volume<T> where T : unmanaged
{
    /// <summary>Creates a zero-filled volume.</summary>
    /// <param name="depth">Voxels along z (1 for a 2D image).</param>
    /// <param name="height">Voxels along y.</param>
    /// <param name="width">Voxels along x.</param>
    /// <param name="channels">Channels (1 for grey or label data).</param>
    /// <param name="dimensions">2 for an image, 3 for a volume; default: 2 when depth is 1.</param>
    public Volume(int depth, int height, int width, int channels = 1, int? dimensions = null)
        : this(new T[CheckedLength(depth, height, width, channels)], depth, height, width, channels, dimensions) { }

    /// <summary>Wraps an existing array (no copy); its length must be channels × depth × height × width.</summary>
    public Volume(T[] data, int depth, int height, int width, int channels = 1, int? dimensions = null)
    {
        long length = CheckedLength(depth, height, width, channels);
        if (data.LongLength != length)
            throw new NeuroLensException($"volume data holds {data.LongLength} values, expected {channels}×{depth}×{height}×{width} = {length}.");
        int dims = dimensions ?? (depth == 1 ? 2 : 3);
        if (dims is not (2 or 3) || (dims == 2 && depth != 1))
            throw new NeuroLensException($"a {dims}D volume cannot have depth {depth}.");
        Data = data;
        Depth = depth;
        Height = height;
        Width = width;
        Channels = channels;
        Dimensions = dims;
        VoxelSize = [1, 1, 1];
    }

    /// <summary>The voxels, C order <c>[channel, z, y, x]</c>.</summary>
    public T[] Data { get; }

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

    /// <summary>Physical size of a voxel along z, y, x (the z entry is meaningless for 2D images).</summary>
    public double[] VoxelSize { get; set; }

    /// <summary>Voxels per channel.</summary>
    public long VoxelCount => (long)Depth * Height * Width;

    /// <summary>The whole spatial extent as a box.</summary>
    public Box Bounds => new(0, 0, 0, Depth, Height, Width);

    /// <summary>Spatial shape in z-y-x order, without the z axis for 2D images.</summary>
    public int[] Shape => Dimensions == 2 ? [Height, Width] : [Depth, Height, Width];

    /// <summary>Flat index of voxel (z, y, x) in channel <paramref name="c"/>.</summary>
    public long Index(int z, int y, int x, int c = 0) => ((long)(c * Depth + z) * Height + y) * Width + x;

    /// <summary>The voxel at (z, y, x) of channel <paramref name="c"/>.</summary>
    public ref T this[int z, int y, int x, int c = 0] => ref Data[Index(z, y, x, c)];

    /// <summary>One channel's voxels as a span (no copy).</summary>
    public Span<T> Channel(int c) => Data.AsSpan(checked((int)(c * VoxelCount)), checked((int)VoxelCount));

    /// <summary>A copy of the voxels inside <paramref name="box"/> (all channels), keeping the voxel size.</summary>
    public Volume<T> Crop(Box box)
    {
        if (box.IsEmpty || !Bounds.Contains(box))
            throw new NeuroLensException($"crop {box} is empty or outside the volume {Bounds}.");
        var result = new Volume<T>(box.Depth, box.Height, box.Width, Channels, Dimensions) { VoxelSize = (double[])VoxelSize.Clone() };
        for (int c = 0; c < Channels; c++)
            for (int z = 0; z < box.Depth; z++)
                for (int y = 0; y < box.Height; y++)
                    Data.AsSpan(checked((int)Index(box.Z0 + z, box.Y0 + y, box.X0, c)), box.Width)
                        .CopyTo(result.Data.AsSpan(checked((int)result.Index(z, y, 0, c)), box.Width));
        return result;
    }

    /// <summary>Writes <paramref name="source"/> into this volume with its origin at (z0, y0, x0).</summary>
    public void Paste(Volume<T> source, int z0, int y0, int x0)
    {
        var box = new Box(z0, y0, x0, source.Depth, source.Height, source.Width);
        if (!Bounds.Contains(box) || source.Channels != Channels)
            throw new NeuroLensException($"paste of {box} with {source.Channels} channels does not fit the volume {Bounds} with {Channels}.");
        for (int c = 0; c < Channels; c++)
            for (int z = 0; z < source.Depth; z++)
                for (int y = 0; y < source.Height; y++)
                    source.Data.AsSpan(checked((int)source.Index(z, y, 0, c)), source.Width)
                        .CopyTo(Data.AsSpan(checked((int)Index(z0 + z, y0 + y, x0, c)), source.Width));
    }

    /// <summary>
    /// A tensor over the same memory (no copy; writes through), shaped <c>[C, H, W]</c> for images and
    /// <c>[C, D, H, W]</c> for volumes. The array is pinned while the tensor lives.
    /// </summary>
    public torch.Tensor AsTensor()
    {
        var tensor = torch.frombuffer(Data, ScalarTypeOf(), Data.LongLength, 0, false);
        long[] shape = Dimensions == 2 ? [Channels, Height, Width] : [Channels, Depth, Height, Width];
        using (tensor) return tensor.reshape(shape);
    }

    /// <summary>A copy of a tensor shaped <c>[C, H, W]</c> (2D) or <c>[C, D, H, W]</c> (3D) as a volume.</summary>
    public static Volume<T> FromTensor(torch.Tensor tensor)
    {
        using var contiguous = tensor.to(torch.CPU).contiguous();
        var shape = contiguous.shape;
        if (shape.Length is not (3 or 4))
            throw new NeuroLensException($"a volume tensor is [C, H, W] or [C, D, H, W], got [{string.Join(", ", shape)}].");
        if (contiguous.dtype != ScalarTypeOf())
            throw new NeuroLensException($"tensor dtype {contiguous.dtype} does not match volume type {typeof(T).Name}.");
        int c = (int)shape[0], d = shape.Length == 4 ? (int)shape[1] : 1, h = (int)shape[^2], w = (int)shape[^1];
        var result = new Volume<T>(d, h, w, c, shape.Length - 1);
        contiguous.data<T>().CopyTo(result.Data, 0);
        return result;
    }

    /// <summary>The TorchSharp scalar type of <typeparamref name="T"/>.</summary>
    public static torch.ScalarType ScalarTypeOf() => typeof(T) switch
    {
        var t when t == typeof(byte) => torch.ScalarType.Byte,
        var t when t == typeof(sbyte) => torch.ScalarType.Int8,
        var t when t == typeof(short) => torch.ScalarType.Int16,
        var t when t == typeof(int) => torch.ScalarType.Int32,
        var t when t == typeof(long) => torch.ScalarType.Int64,
        var t when t == typeof(float) => torch.ScalarType.Float32,
        var t when t == typeof(double) => torch.ScalarType.Float64,
        var t when t == typeof(bool) => torch.ScalarType.Bool,
        _ => throw new NeuroLensException($"voxel type {typeof(T).Name} has no torch equivalent (TorchSharp has no uint16/32/64); convert the volume first."),
    };

    private static long CheckedLength(int depth, int height, int width, int channels)
    {
        if (depth <= 0 || height <= 0 || width <= 0 || channels <= 0)
            throw new NeuroLensException($"volume extents must be positive, got channels {channels}, depth {depth}, height {height}, width {width}.");
        long length = checked((long)channels * depth * height * width);
        if (length > Array.MaxLength)
            throw new NeuroLensException($"volume of {length} voxels exceeds one array ({Array.MaxLength}); process it in chunks.");
        return length;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{typeof(T).Name} {(Dimensions == 2 ? $"{Height}×{Width}" : $"{Depth}×{Height}×{Width}")}" + (Channels > 1 ? $"×{Channels}ch" : "");
}
