using NeuroLens.Core.TensorFiles;
using static NeuroLens.Core.Tests.TensorFiles.TensorFileTestData;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.TensorFiles;

/// <summary>Both memory sources (managed array, libtorch) and the chunked fill that tensors over 1 GiB take, exercised with tiny chunks.</summary>
public class TorchTensorsTests
{
    public static TheoryData<DType, bool> BothPaths()
    {
        var data = new TheoryData<DType, bool>();
        foreach (var dtype in AllDTypes.Where(d => d.HasScalarType()))
        {
            data.Add(dtype, true);
            data.Add(dtype, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public void ChunkedFillWritesEveryByteOnceInOrder(DType dtype, bool managed)
    {
        var bytes = Bytes(dtype, 15);
        var offsets = new List<long>();
        using var t = TorchTensors.Create(dtype, [3, 5], bytes.Length, (destination, offset) =>
        {
            offsets.Add(offset);
            Assert.True(destination.Length <= 8);
            bytes.AsSpan((int)offset, destination.Length).CopyTo(destination);
        }, chunkBytes: 8, managed: managed);
        Assert.Equal(new long[] { 3, 5 }, t.shape);
        Assert.Equal(dtype.ToScalarType(), t.dtype);
        Assert.Equal(bytes, BytesOf(t));
        Assert.Equal(Enumerable.Range(0, (bytes.Length + 7) / 8).Select(i => i * 8L), offsets);
    }

    [Theory]
    [InlineData(DType.U16, "I16")]
    [InlineData(DType.U32, "I32")]
    [InlineData(DType.U64, "I64")]
    public void UnsignedTypesTorchLacksAreRefusedInOneLine(DType dtype, string signed)
    {
        Assert.False(dtype.HasScalarType());
        var message = $"{dtype} has no torch dtype; read its bytes (ReadBytes) or store it as {signed}";
        AssertFails(() => dtype.ToScalarType(), message);
        AssertFails(() => TorchTensors.Create(dtype, [2], 2 * dtype.ElementSize(), (_, _) => { }).Dispose(), message);
        Assert.True(DTypeExtensions.TryParseSafetensorsName(dtype.ToString(), out var parsed));
        Assert.Equal(dtype, parsed);
        Assert.Equal($"<u{dtype.ElementSize()}", dtype.NumpyDescr());
    }

    [Fact]
    public void WriteToStreamsNonContiguousTensorsInCOrder()
    {
        using var m = arange(6, ScalarType.Int64).reshape(2, 3);
        using var t = m.t();
        using var sink = new MemoryStream();
        TorchTensors.WriteTo(t, sink);
        Assert.Equal(new long[] { 0, 3, 1, 4, 2, 5 }, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(sink.ToArray()).ToArray());
    }
}
