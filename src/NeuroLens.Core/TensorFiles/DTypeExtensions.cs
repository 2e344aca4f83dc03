using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// Sizes and names of <see cref="DType"/> values in the file formats and in TorchSharp.
/// </summary>
public static class DTypeExtensions
{
    /// <summary>The size of one element in bytes (1, 2, 4 or 8).</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.F64 or DType.I64 or DType.U64 => 8,
        DType.F32 or DType.I32 or DType.U32 => 4,
        DType.F16 or DType.BF16 or DType.I16 or DType.U16 => 2,
        DType.I8 or DType.U8 or DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>The dtype's name in a safetensors header: <c>F64</c>, <c>F32</c>, …, <c>U8</c>, <c>BOOL</c>.</summary>
    public static string SafetensorsName(this DType dtype) => dtype switch
    {
        DType.Bool => "BOOL",
        _ => dtype.ToString(),
    };

    /// <summary>
    /// Parses a safetensors dtype name (case-sensitive, as the format defines it). Returns false for
    /// names NeuroLens does not support (for example <c>F8_E4M3</c> or <c>C64</c>).
    /// </summary>
    public static bool TryParseSafetensorsName(string name, out DType dtype)
    {
        foreach (var candidate in Enum.GetValues<DType>())
        {
            if (candidate.SafetensorsName() == name)
            {
                dtype = candidate;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>
    /// The little-endian NumPy array-protocol type string (<c>descr</c>) of the dtype, such as
    /// <c>&lt;f4</c> or <c>|b1</c>, or null for <see cref="DType.BF16"/>, which NumPy lacks.
    /// </summary>
    public static string? NumpyDescr(this DType dtype) => dtype switch
    {
        DType.F64 => "<f8",
        DType.F32 => "<f4",
        DType.F16 => "<f2",
        DType.I64 => "<i8",
        DType.I32 => "<i4",
        DType.I16 => "<i2",
        DType.I8 => "|i1",
        DType.U8 => "|u1",
        DType.Bool => "|b1",
        DType.U16 => "<u2",
        DType.U32 => "<u4",
        DType.U64 => "<u8",
        _ => null,
    };

    /// <summary>
    /// Whether TorchSharp has a tensor type for the dtype: every dtype except <see cref="DType.U16"/>,
    /// <see cref="DType.U32"/> and <see cref="DType.U64"/>.
    /// </summary>
    public static bool HasScalarType(this DType dtype) => dtype is not (DType.U16 or DType.U32 or DType.U64);

    /// <summary>
    /// The TorchSharp scalar type with the same element layout. For <see cref="DType.U16"/>,
    /// <see cref="DType.U32"/> and <see cref="DType.U64"/>, which TorchSharp lacks, a one-line
    /// <see cref="TensorFileException"/> (see <see cref="HasScalarType"/>).
    /// </summary>
    public static ScalarType ToScalarType(this DType dtype) => dtype switch
    {
        DType.U16 or DType.U32 or DType.U64 => throw new TensorFileException(NoTorchType(dtype)),
        DType.F64 => ScalarType.Float64,
        DType.F32 => ScalarType.Float32,
        DType.F16 => ScalarType.Float16,
        DType.BF16 => ScalarType.BFloat16,
        DType.I64 => ScalarType.Int64,
        DType.I32 => ScalarType.Int32,
        DType.I16 => ScalarType.Int16,
        DType.I8 => ScalarType.Int8,
        DType.U8 => ScalarType.Byte,
        DType.Bool => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>
    /// Why an unsigned dtype cannot become a tensor, and what to do instead, e.g. "U64 has no torch
    /// dtype; read its bytes (ReadBytes) or store it as I64".
    /// </summary>
    internal static string NoTorchType(DType dtype) =>
        $"{dtype} has no torch dtype; read its bytes (ReadBytes) or store it as {dtype.SameSizeSigned()}";

    /// <summary>
    /// The dtype that torch can hold with the same bytes: the signed integer of the same size for the
    /// unsigned types, the dtype itself otherwise. Byte-level work (byte swapping, reordering) done on
    /// a tensor of this type is exact for the original dtype.
    /// </summary>
    internal static DType SameSizeSigned(this DType dtype) => dtype switch
    {
        DType.U16 => DType.I16,
        DType.U32 => DType.I32,
        DType.U64 => DType.I64,
        _ => dtype,
    };

    /// <summary>
    /// The dtype of a TorchSharp scalar type, or null for types that have no tensor-file dtype here
    /// (complex and quantized types).
    /// </summary>
    public static DType? FromScalarType(ScalarType type) => type switch
    {
        ScalarType.Float64 => DType.F64,
        ScalarType.Float32 => DType.F32,
        ScalarType.Float16 => DType.F16,
        ScalarType.BFloat16 => DType.BF16,
        ScalarType.Int64 => DType.I64,
        ScalarType.Int32 => DType.I32,
        ScalarType.Int16 => DType.I16,
        ScalarType.Int8 => DType.I8,
        ScalarType.Byte => DType.U8,
        ScalarType.Bool => DType.Bool,
        _ => null,
    };
}
