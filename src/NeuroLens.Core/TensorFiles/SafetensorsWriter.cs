using NeuroLens.Core.IO;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// Writes safetensors files in the reference layout: 8-byte little-endian header length, compact JSON
/// header (<c>__metadata__</c> first when given, then the tensors in the order given), padded with
/// spaces so that the data area starts at a multiple of 8, then each tensor's bytes back to back with
/// no gaps.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (any device, any layout; stored contiguous, C order) to
    /// <paramref name="path"/> atomically, with optional string metadata. Names must be unique and must
    /// not be <c>__metadata__</c>.
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var pending = PendingTensor.FromTensors(path, tensors);
        AtomicFile.Write(path, stream => Write(path, stream, pending, metadata));
    }

    /// <summary>Writes the whole file to a stream.</summary>
    internal static void Write(string path, Stream stream, IReadOnlyList<PendingTensor> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        var header = Header(path, tensors, metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var tensor in tensors)
        {
            long before = stream.CanSeek ? stream.Position : -1;
            tensor.WriteData(stream);
            if (before >= 0 && stream.Position - before != tensor.ByteLength)
                throw new InvalidOperationException($"tensor {tensor.Name} wrote {stream.Position - before} bytes, expected {tensor.ByteLength}");
        }
    }

    /// <summary>The padded JSON header (without the length prefix).</summary>
    internal static byte[] Header(string path, IReadOnlyList<PendingTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata)
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var tensor in tensors)
            {
                if (tensor.Name == SafetensorsHeader.MetadataKey || !seen.Add(tensor.Name))
                    throw new TensorFileException($"{path}: tensor name {TensorFileException.Quote(tensor.Name)} is reserved or given twice");
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.SafetensorsName());
                json.WriteStartArray("shape");
                foreach (var dim in tensor.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset = checked(offset + tensor.ByteLength);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - (8 + buffer.Length) % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
