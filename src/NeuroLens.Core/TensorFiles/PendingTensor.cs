using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// A tensor about to be written: what the header needs to know, and a callback that streams its
/// bytes (little-endian, C order). Writers take these so that conversions stream from one file to
/// another without holding every tensor in memory.
/// </summary>
internal sealed record PendingTensor(string Name, DType DType, long[] Shape, long ByteLength, Action<Stream> WriteData)
{
    /// <summary>A pending tensor for an in-memory TorchSharp tensor.</summary>
    internal static PendingTensor FromTensor(string path, string name, Tensor tensor)
    {
        var (dtype, shape, byteLength) = TorchTensors.Describe(path, name, tensor);
        return new PendingTensor(name, dtype, shape, byteLength, stream => TorchTensors.WriteTo(tensor, stream));
    }

    /// <summary>A pending tensor copied from an opened tensor file.</summary>
    internal static PendingTensor FromSource(ITensorSource source, TensorEntry entry) =>
        new(entry.Name, entry.DType, entry.Shape, entry.ByteLength, stream => source.CopyTo(entry.Name, stream));

    /// <summary>
    /// A pending tensor for raw bytes: the shape is checked (no negative extent, byte count fits 64
    /// bits) and the number of bytes <see cref="RawTensor.WriteData"/> writes is checked against it.
    /// </summary>
    internal static PendingTensor FromRaw(string path, RawTensor raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        string where = $"{path}: tensor {TensorFileException.Quote(raw.Name)}";
        long byteLength = raw.DType.ElementSize();
        foreach (var dim in raw.Shape)
        {
            if (dim < 0) throw new TensorFileException($"{where}: shape ({string.Join(", ", raw.Shape)}) has a negative extent");
            try { byteLength = checked(byteLength * dim); }
            catch (OverflowException) { throw new TensorFileException($"{where}: shape ({string.Join(", ", raw.Shape)}) overflows a 64-bit byte count"); }
        }
        var shape = raw.Shape.ToArray();
        return new PendingTensor(raw.Name, raw.DType, shape, byteLength, stream =>
        {
            var counting = new CountingStream(stream);
            raw.WriteData(counting);
            if (counting.Count != byteLength)
                throw new TensorFileException($"{where}: wrote {counting.Count} bytes of data, but {raw.DType} of shape ({string.Join(", ", shape)}) needs {byteLength}");
        });
    }

    /// <summary>Pending tensors for raw tensors; duplicate names are refused.</summary>
    internal static List<PendingTensor> FromRaw(string path, IReadOnlyList<RawTensor> tensors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<PendingTensor>(tensors.Count);
        foreach (var raw in tensors)
        {
            if (!seen.Add(raw.Name))
                throw new TensorFileException($"{path}: tensor {TensorFileException.Quote(raw.Name)} is given twice");
            result.Add(FromRaw(path, raw));
        }
        return result;
    }

    /// <summary>Pending tensors for a list of TorchSharp tensors; duplicate names are refused.</summary>
    internal static List<PendingTensor> FromTensors(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<PendingTensor>(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            if (!seen.Add(name))
                throw new TensorFileException($"{path}: tensor {TensorFileException.Quote(name)} is given twice");
            result.Add(FromTensor(path, name, tensor));
        }
        return result;
    }
}

/// <summary>A write-only stream that passes bytes on and counts them.</summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    /// <summary>Bytes written so far.</summary>
    public long Count { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Count; set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Count += buffer.Length;
    }

    public override void WriteByte(byte value)
    {
        inner.WriteByte(value);
        Count++;
    }
}
