using System.Buffers.Binary;
using NeuroLens.Core.TensorFiles;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.TensorFiles;

/// <summary>Tensors with chosen raw bytes, so that round trips can be checked bit for bit.</summary>
internal static class TensorFileTestData
{
    public static readonly DType[] AllDTypes = Enum.GetValues<DType>();

    public static TheoryData<DType> DTypes()
    {
        var data = new TheoryData<DType>();
        foreach (var d in AllDTypes) data.Add(d);
        return data;
    }

    /// <summary>
    /// Raw little-endian bytes for <paramref name="count"/> elements: first the extreme and special
    /// values of the dtype (NaN with payloads, −0.0, infinities, largest, smallest subnormal, integer
    /// limits), then seeded random bit patterns (0/1 for Bool).
    /// </summary>
    public static byte[] Bytes(DType dtype, int count, int seed = 1)
    {
        int size = dtype.ElementSize();
        var bytes = new byte[count * size];
        new Random(seed).NextBytes(bytes);
        if (dtype == DType.Bool)
        {
            for (int i = 0; i < bytes.Length; i++) bytes[i] &= 1;
            return bytes;
        }
        var specials = Specials(dtype);
        for (int i = 0; i < Math.Min(count, specials.Length); i++)
        {
            switch (size)
            {
                case 8: BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), specials[i]); break;
                case 4: BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), (uint)specials[i]); break;
                case 2: BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)specials[i]); break;
                default: bytes[i] = (byte)specials[i]; break;
            }
        }
        return bytes;
    }

    private static ulong[] Specials(DType dtype) => dtype switch
    {
        DType.F64 => [0x7FF8000000000001, 0xFFF0000000000abc, 0x8000000000000000, 0x7FF0000000000000, 0xFFF0000000000000,
            0x7FEFFFFFFFFFFFFF, 0x0000000000000001, 0x7FF4000000000000],
        DType.F32 => [0x7FC00001, 0xFF800123, 0x80000000, 0x7F800000, 0xFF800000, 0x7F7FFFFF, 0x00000001, 0x7FA00000],
        DType.F16 or DType.BF16 => [0x7E01, 0xFC11, 0x8000, dtype == DType.F16 ? 0x7C00UL : 0x7F80, 0xFFFF, 0x7BFF, 0x0001, 0x7FFF],
        DType.I64 => [0x8000000000000000, 0x7FFFFFFFFFFFFFFF, 0, ulong.MaxValue],
        DType.I32 => [0x80000000, 0x7FFFFFFF, 0, uint.MaxValue],
        DType.I16 => [0x8000, 0x7FFF, 0, 0xFFFF],
        DType.U64 => [ulong.MaxValue, 0x8000000000000000, 0, 1],
        DType.U32 => [uint.MaxValue, 0x80000000, 0, 1],
        DType.U16 => [0xFFFF, 0x8000, 0, 1],
        _ => [0x80, 0x7F, 0, 0xFF],
    };

    /// <summary>A raw tensor that writes exactly the given bytes (any dtype, those torch lacks included).</summary>
    public static RawTensor Raw(string name, DType dtype, long[] shape, byte[] bytes) =>
        new(name, dtype, shape, stream => stream.Write(bytes));

    /// <summary>Asserts that reading the tensor as a torch tensor is refused, naming file, tensor and the way out.</summary>
    public static void AssertNoTorchType(ITensorSource source, string name)
    {
        var dtype = source.GetEntry(name).DType;
        AssertFails(() => source.ReadTensor(name).Dispose(), source.Path, $"'{name}'",
            $"{dtype} has no torch dtype; read its bytes (ReadBytes) or store it as I{dtype.ElementSize() * 8}");
    }

    /// <summary>A new tensor holding exactly the given bytes.</summary>
    public static Tensor Tensor(DType dtype, long[] shape, byte[] bytes)
    {
        var tensor = empty(shape, dtype.ToScalarType());
        bytes.CopyTo(tensor.bytes);
        return tensor;
    }

    /// <summary>The tensor's bytes (C order) as an array.</summary>
    public static byte[] BytesOf(Tensor tensor)
    {
        using var contiguous = tensor.contiguous();
        return contiguous.bytes.ToArray();
    }

    /// <summary>Asserts a TensorFileException whose single-line message contains every fragment.</summary>
    public static TensorFileException AssertFails(Action action, params string[] fragments)
    {
        var e = Assert.Throws<TensorFileException>(action);
        Assert.DoesNotContain('\n', e.Message);
        foreach (var fragment in fragments) Assert.Contains(fragment, e.Message);
        return e;
    }

    /// <summary>
    /// Writes 400 corruptions of <paramref name="original"/> to <paramref name="path"/> — every fourth a
    /// truncation, the others 1–3 random bytes changed within the first <paramref name="mutableBytes"/> —
    /// and checks that each either reads completely (every tensor with its declared byte length) or fails
    /// with a one-line <see cref="TensorFileException"/> naming the file; anything else fails the test.
    /// </summary>
    public static void FuzzReads(byte[] original, string path, int seed, int mutableBytes, Func<string, ITensorSource> open)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 400; trial++)
        {
            var bytes = original.ToArray();
            if (trial % 4 == 0) bytes = bytes[..random.Next(bytes.Length)];
            else for (int k = 0; k < 1 + trial % 3; k++) bytes[random.Next(Math.Min(bytes.Length, mutableBytes))] = (byte)random.Next(256);
            File.WriteAllBytes(path, bytes);
            try
            {
                using var file = open(path);
                foreach (var entry in file.Entries)
                {
                    using var t = file.ReadTensor(entry.Name);
                    Assert.Equal(entry.ByteLength, BytesOf(t).Length);
                }
            }
            catch (TensorFileException e)
            {
                Assert.DoesNotContain('\n', e.Message);
                Assert.Contains(path, e.Message);
            }
        }
    }
}
