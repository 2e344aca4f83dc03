using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// Moves bytes between files and TorchSharp tensors through the tensor's own native memory (its
/// <c>bytes</c> span), in chunks so that tensors over 2 GiB work although a span cannot exceed
/// <see cref="int.MaxValue"/> bytes.
/// </summary>
internal static class TorchTensors
{
    /// <summary>Largest chunk handed to a span at once; a multiple of every element size.</summary>
    internal const int ChunkBytes = 1 << 30;

    /// <summary>Fills a buffer with the tensor bytes that start at the given byte offset.</summary>
    internal delegate void Filler(Span<byte> destination, long offset);

    /// <summary>
    /// Creates an uninitialised CPU tensor of the entry's dtype and shape and lets <paramref name="fill"/>
    /// write its bytes, chunk by chunk, directly into the tensor's memory.
    /// </summary>
    internal static Tensor Create(DType dtype, long[] shape, long byteLength, Filler fill)
    {
        var tensor = empty(shape, dtype.ToScalarType());
        try
        {
            if (byteLength <= ChunkBytes)
            {
                fill(tensor.bytes, 0);
                return tensor;
            }
            using var flat = tensor.flatten();
            long elementSize = dtype.ElementSize();
            long chunkElements = ChunkBytes / elementSize;
            for (long first = 0; first * elementSize < byteLength; first += chunkElements)
            {
                long count = Math.Min(chunkElements, byteLength / elementSize - first);
                using var part = flat.narrow(0, first, count);
                fill(part.bytes, first * elementSize);
            }
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>The dtype, shape and byte length of a tensor about to be written.</summary>
    internal static (DType DType, long[] Shape, long ByteLength) Describe(string path, string name, Tensor tensor)
    {
        var dtype = DTypeExtensions.FromScalarType(tensor.dtype) ?? throw new TensorFileException(
            $"{path}: tensor {TensorFileException.Quote(name)}: dtype {tensor.dtype} cannot be stored in a tensor file");
        var shape = tensor.shape;
        return (dtype, shape, checked(tensor.numel() * dtype.ElementSize()));
    }

    /// <summary>Writes the tensor's elements in C order, little-endian, to the stream.</summary>
    internal static void WriteTo(Tensor tensor, Stream destination)
    {
        // contiguous() returns a new handle even when no copy is needed, so disposing it never
        // disposes the caller's tensor.
        using var cpu = tensor.device_type == DeviceType.CPU ? null : tensor.cpu();
        using var contiguous = (cpu ?? tensor).contiguous();
        long byteLength = contiguous.numel() * contiguous.element_size();
        if (byteLength <= ChunkBytes)
        {
            destination.Write(contiguous.bytes);
            return;
        }
        using var flat = contiguous.flatten();
        long elementSize = contiguous.element_size();
        long chunkElements = ChunkBytes / elementSize;
        for (long first = 0; first < flat.numel(); first += chunkElements)
        {
            using var part = flat.narrow(0, first, Math.Min(chunkElements, flat.numel() - first));
            destination.Write(part.bytes);
        }
    }
}
