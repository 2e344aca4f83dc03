using System.Buffers.Binary;
using System.Text;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// The header of a NumPy .npy array (format versions 1.0, 2.0 and 3.0, NEP 1 /
/// numpy.lib.format): the magic <c>\x93NUMPY</c>, a version, a 2-byte (1.0) or 4-byte (2.0, 3.0)
/// little-endian header length, and a Python dict literal with exactly the keys <c>descr</c>,
/// <c>fortran_order</c> and <c>shape</c>. The dict is read by a small strict parser, never evaluated.
/// </summary>
/// <param name="DType">The element type.</param>
/// <param name="BigEndian">Whether multi-byte elements are stored big-endian (<c>&gt;</c>).</param>
/// <param name="FortranOrder">Whether the data is stored in column-major order.</param>
/// <param name="Shape">The array's shape as NumPy reports it (independent of the storage order).</param>
/// <param name="DataOffset">Bytes from the start of the .npy to its data.</param>
/// <param name="ByteLength">Size of the data: product of the shape times the element size.</param>
internal sealed record NpyHeader(DType DType, bool BigEndian, bool FortranOrder, long[] Shape, long DataOffset, long ByteLength)
{
    /// <summary>Largest dict accepted; NumPy itself refuses more than 10 000 bytes by default.</summary>
    internal const int MaxHeaderLength = 1 << 20;

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Whether the bytes start with the .npy magic.</summary>
    internal static bool HasMagic(ReadOnlySpan<byte> start) => start.StartsWith(Magic);

    /// <summary>Whether the data needs converting to little-endian C order.</summary>
    internal bool NeedsConversion => (BigEndian && DType.ElementSize() > 1) || (FortranOrder && Shape.Length > 1);

    /// <summary>
    /// Reads the header from the stream's current position. <paramref name="available"/> is the
    /// number of bytes in the .npy (file or zip member); the header and the data must fit in it.
    /// </summary>
    internal static NpyHeader Read(string where, Stream stream, long available)
    {
        Span<byte> prefix = stackalloc byte[12];
        if (available < 10)
            throw new TensorFileException($"{where}: truncated .npy: {available} bytes, less than the 10-byte prefix");
        ReadExactly(where, stream, prefix[..8]);
        if (!HasMagic(prefix))
            throw new TensorFileException($"{where}: not a .npy array (the magic \\x93NUMPY is missing)");
        byte major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new TensorFileException($"{where}: unsupported .npy format version {major}.{minor} (supported: 1.0, 2.0, 3.0)");
        int lengthSize = major == 1 ? 2 : 4;
        ReadExactly(where, stream, prefix.Slice(8, lengthSize));
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..])
            : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        long dataOffset = 8 + lengthSize + headerLength;
        if (headerLength > MaxHeaderLength)
            throw new TensorFileException($"{where}: .npy header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes");
        if (dataOffset > available)
            throw new TensorFileException($"{where}: .npy header length {headerLength} runs past the end of the {available}-byte array (truncated)");
        var bytes = new byte[headerLength];
        ReadExactly(where, stream, bytes);
        var text = major == 3 ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
        var (descr, fortran, shape) = NpyDictParser.Parse(where, text);
        var (dtype, bigEndian) = ParseDescr(where, descr);
        long byteLength = dtype.ElementSize();
        foreach (var dim in shape)
        {
            try { byteLength = checked(byteLength * dim); }
            catch (OverflowException)
            {
                throw new TensorFileException($"{where}: .npy shape ({string.Join(", ", shape)}) overflows a 64-bit byte count");
            }
        }
        if (byteLength > available - dataOffset)
            throw new TensorFileException(
                $"{where}: truncated .npy: shape ({string.Join(", ", shape)}) of {descr} needs {byteLength} bytes of data, only {available - dataOffset} present");
        return new NpyHeader(dtype, bigEndian, fortran, shape, dataOffset, byteLength);
    }

    /// <summary>
    /// The complete header (magic to final newline) that numpy.save writes for a C-order array of this
    /// dtype and shape: version 1.0 when it fits, else 2.0; growth-axis spare space; total length a
    /// multiple of 64.
    /// </summary>
    internal static byte[] Format(string where, string name, DType dtype, long[] shape)
    {
        var descr = dtype.NumpyDescr() ?? throw new TensorFileException(
            $"{where}: tensor {TensorFileException.Quote(name)}: BF16 has no NumPy dtype; write .safetensors instead, or convert the tensor to float32 first");
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        // numpy >= 1.23 leaves room for the first axis to grow to 21 digits (GROWTH_AXIS_MAX_DIGITS).
        if (shape.Length > 0) dict += new string(' ', Math.Max(0, 21 - shape[0].ToString(System.Globalization.CultureInfo.InvariantCulture).Length));
        foreach (var (major, lengthSize) in new[] { (1, 2), (2, 4) })
        {
            int unpadded = 8 + lengthSize + dict.Length + 1;
            int padding = 64 - unpadded % 64;
            long headerLength = dict.Length + padding + 1;
            if (major == 1 && headerLength > ushort.MaxValue) continue;
            var result = new byte[8 + lengthSize + headerLength];
            Magic.CopyTo(result, 0);
            result[6] = (byte)major;
            if (lengthSize == 2) BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)headerLength);
            else BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)headerLength);
            Encoding.ASCII.GetBytes(dict, result.AsSpan(8 + lengthSize));
            result.AsSpan(8 + lengthSize + dict.Length, padding).Fill((byte)' ');
            result[^1] = (byte)'\n';
            return result;
        }
        throw new TensorFileException($"{where}: tensor {TensorFileException.Quote(name)}: .npy header too long");
    }

    private static (DType DType, bool BigEndian) ParseDescr(string where, string descr)
    {
        if (descr.Length >= 1 && (descr[^1] == 'O' || descr.Contains('O', StringComparison.Ordinal)))
            throw new TensorFileException(
                $"{where}: .npy dtype {TensorFileException.Quote(descr)} is an object array, which needs pickle; pickle can execute arbitrary code and is not supported");
        char order = descr.Length > 0 ? descr[0] : '?';
        var code = order is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        if (order is not ('<' or '>' or '|' or '=')) order = '=';
        DType? dtype = code switch
        {
            "f8" => DType.F64, "f4" => DType.F32, "f2" => DType.F16,
            "i8" => DType.I64, "i4" => DType.I32, "i2" => DType.I16,
            "i1" => DType.I8, "u1" => DType.U8, "b1" => DType.Bool,
            "u8" => DType.U64, "u4" => DType.U32, "u2" => DType.U16,
            _ => null,
        };
        if (dtype is null)
            throw new TensorFileException(
                $"{where}: unsupported .npy dtype {TensorFileException.Quote(descr)} (supported: f8, f4, f2, i8, i4, i2, i1, u8, u4, u2, u1, b1)");
        if (order == '|' && dtype.Value.ElementSize() > 1)
            throw new TensorFileException($"{where}: .npy dtype {TensorFileException.Quote(descr)} needs a byte order (< or >)");
        // '=' is the writer's native order; every platform NumPy and .NET share here is little-endian.
        return (dtype.Value, order == '>');
    }

    private static void ReadExactly(string where, Stream stream, Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new TensorFileException($"{where}: truncated .npy header", e);
        }
    }
}
