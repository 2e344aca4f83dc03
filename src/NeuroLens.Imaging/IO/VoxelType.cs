using System.Runtime.InteropServices;
using NeuroLens.Core;

namespace NeuroLens.Imaging.IO;

/// <summary>The element type of a volume stored in a file; names follow NumPy (<c>uint8</c>, <c>float32</c>, ...).</summary>
/// <remarks>In JSON it is written by that name; a property of this type carries
/// <c>[JsonConverter(typeof(VoxelTypeJsonConverter))]</c>, because serializer-wide enum converters
/// take precedence over a converter on the type itself.</remarks>
[System.Text.Json.Serialization.JsonConverter(typeof(VoxelTypeJsonConverter))]
public enum VoxelType
{
    /// <summary>Unsigned 8-bit integer (<see cref="byte"/>).</summary>
    UInt8,
    /// <summary>Signed 8-bit integer (<see cref="sbyte"/>).</summary>
    Int8,
    /// <summary>Unsigned 16-bit integer (<see cref="ushort"/>).</summary>
    UInt16,
    /// <summary>Signed 16-bit integer (<see cref="short"/>).</summary>
    Int16,
    /// <summary>Unsigned 32-bit integer (<see cref="uint"/>).</summary>
    UInt32,
    /// <summary>Signed 32-bit integer (<see cref="int"/>).</summary>
    Int32,
    /// <summary>Unsigned 64-bit integer (<see cref="ulong"/>), as used for instance labels.</summary>
    UInt64,
    /// <summary>Signed 64-bit integer (<see cref="long"/>).</summary>
    Int64,
    /// <summary>32-bit IEEE float (<see cref="float"/>).</summary>
    Float32,
    /// <summary>64-bit IEEE float (<see cref="double"/>).</summary>
    Float64,
}

/// <summary>Facts about <see cref="VoxelType"/>: size, name, the matching CLR type.</summary>
public static class VoxelTypes
{
    /// <summary>The voxel type of the CLR type <typeparamref name="T"/>; throws for types no file format stores.</summary>
    public static VoxelType Of<T>() where T : unmanaged => Of(typeof(T));

    /// <summary>The voxel type of a CLR element type; throws for types no file format stores.</summary>
    public static VoxelType Of(Type type) => type switch
    {
        _ when type == typeof(byte) => VoxelType.UInt8,
        _ when type == typeof(sbyte) => VoxelType.Int8,
        _ when type == typeof(ushort) => VoxelType.UInt16,
        _ when type == typeof(short) => VoxelType.Int16,
        _ when type == typeof(uint) => VoxelType.UInt32,
        _ when type == typeof(int) => VoxelType.Int32,
        _ when type == typeof(ulong) => VoxelType.UInt64,
        _ when type == typeof(long) => VoxelType.Int64,
        _ when type == typeof(float) => VoxelType.Float32,
        _ when type == typeof(double) => VoxelType.Float64,
        _ => throw new NeuroLensException($"voxel type {type.Name} cannot be stored in an image file; use one of uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64."),
    };

    /// <summary>Bytes per voxel.</summary>
    public static int SizeOf(VoxelType type) => type switch
    {
        VoxelType.UInt8 or VoxelType.Int8 => 1,
        VoxelType.UInt16 or VoxelType.Int16 => 2,
        VoxelType.UInt32 or VoxelType.Int32 or VoxelType.Float32 => 4,
        _ => 8,
    };

    /// <summary>The NumPy name of the type (<c>uint8</c>, <c>float32</c>, ...).</summary>
    public static string Name(VoxelType type) => type.ToString().ToLowerInvariant();

    /// <summary>Whether the type is a floating-point type.</summary>
    public static bool IsFloat(VoxelType type) => type is VoxelType.Float32 or VoxelType.Float64;

    /// <summary>Whether the type is a signed integer type.</summary>
    public static bool IsSignedInteger(VoxelType type) => type is VoxelType.Int8 or VoxelType.Int16 or VoxelType.Int32 or VoxelType.Int64;

    /// <summary>A zero-filled array of <paramref name="count"/> elements of the CLR type of <paramref name="type"/>.</summary>
    internal static Array NewArray(VoxelType type, long count) => type switch
    {
        VoxelType.UInt8 => new byte[count],
        VoxelType.Int8 => new sbyte[count],
        VoxelType.UInt16 => new ushort[count],
        VoxelType.Int16 => new short[count],
        VoxelType.UInt32 => new uint[count],
        VoxelType.Int32 => new int[count],
        VoxelType.UInt64 => new ulong[count],
        VoxelType.Int64 => new long[count],
        VoxelType.Float32 => new float[count],
        _ => new double[count],
    };

    /// <summary>The bytes of an array of unmanaged elements, in the machine's (little-endian) order; no copy.</summary>
    internal static Span<byte> AsBytes(Array array)
    {
        long bytes = (long)array.Length * SizeOf(Of(array.GetType().GetElementType()!));
        return MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), checked((int)bytes));
    }
}

/// <summary>Writes <see cref="VoxelType"/> in JSON by its NumPy name (<c>uint8</c>), as everywhere else.</summary>
public sealed class VoxelTypeJsonConverter : System.Text.Json.Serialization.JsonConverter<VoxelType>
{
    /// <inheritdoc />
    public override VoxelType Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        string? name = reader.GetString();
        foreach (var type in Enum.GetValues<VoxelType>())
            if (VoxelTypes.Name(type) == name) return type;
        throw new System.Text.Json.JsonException($"unknown voxel type '{name}'");
    }

    /// <inheritdoc />
    public override void Write(System.Text.Json.Utf8JsonWriter writer, VoxelType value, System.Text.Json.JsonSerializerOptions options) =>
        writer.WriteStringValue(VoxelTypes.Name(value));
}
