using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// Moves bytes between files and TorchSharp tensors straight through the memory the tensor uses, in
/// chunks so that tensors over 2 GiB work although a span cannot exceed <see cref="int.MaxValue"/> bytes.
/// </summary>
internal static class TorchTensors
{
    /// <summary>Largest chunk handed to a span at once; a multiple of every element size.</summary>
    internal const int ChunkBytes = 1 << 30;

    /// <summary>
    /// Size from which tensors read from files live in managed arrays: glibc's largest dynamic mmap
    /// threshold (DEFAULT_MMAP_THRESHOLD_MAX, 32 MiB on 64-bit), below which malloc reuses heap memory.
    /// </summary>
    internal const long ManagedFromBytes = 32L << 20;

    /// <summary>Fills a buffer with the tensor bytes that start at the given byte offset.</summary>
    internal delegate void Filler(Span<byte> destination, long offset);

    /// <summary>
    /// Creates a CPU tensor of the given dtype and shape and lets <paramref name="fill"/> write its
    /// bytes, chunk by chunk (in increasing offsets), directly into the tensor's memory.
    /// </summary>
    /// <remarks>
    /// Where the memory comes from decides the speed, because first-touch page faults on fresh memory
    /// cost more than the copy itself. Tensors under <see cref="ManagedFromBytes"/> come from
    /// libtorch (<c>torch.empty</c>), whose malloc reuses freed heap memory at those sizes. Larger
    /// ones, for which malloc maps fresh pages every time (about ten times slower than the copy), are
    /// a pinned managed array wrapped by <c>torch.frombuffer</c>: the tensor aliases the array (no
    /// copy) and unpins it when its storage is freed, and the garbage collector recycles the memory
    /// already mapped. Tensors with more elements than an array can hold use <c>torch.empty</c>.
    /// </remarks>
    /// <param name="dtype">Element type.</param>
    /// <param name="shape">Shape in C order.</param>
    /// <param name="byteLength">Product of the shape times the element size.</param>
    /// <param name="fill">Writes the bytes that start at an offset into a chunk.</param>
    /// <param name="chunkBytes">Largest chunk passed to <paramref name="fill"/>; a multiple of the element size (tests make it small).</param>
    /// <param name="managed">Whether to use a managed array when the tensor fits one; null chooses by size (tests force either).</param>
    internal static Tensor Create(DType dtype, long[] shape, long byteLength, Filler fill, int chunkBytes = ChunkBytes, bool? managed = null)
    {
        if (!dtype.HasScalarType()) throw new TensorFileException(DTypeExtensions.NoTorchType(dtype));
        long count = byteLength / dtype.ElementSize();
        if ((managed ?? byteLength >= ManagedFromBytes) && count > 0 && count <= Array.MaxLength)
        {
            return dtype switch
            {
                DType.F64 => OverArray<double>(dtype, shape, (int)count, fill, chunkBytes),
                DType.F32 => OverArray<float>(dtype, shape, (int)count, fill, chunkBytes),
                DType.F16 => OverArray<Half>(dtype, shape, (int)count, fill, chunkBytes),
                DType.BF16 => OverArray<BFloat16>(dtype, shape, (int)count, fill, chunkBytes),
                DType.I64 => OverArray<long>(dtype, shape, (int)count, fill, chunkBytes),
                DType.I32 => OverArray<int>(dtype, shape, (int)count, fill, chunkBytes),
                DType.I16 => OverArray<short>(dtype, shape, (int)count, fill, chunkBytes),
                DType.I8 => OverArray<sbyte>(dtype, shape, (int)count, fill, chunkBytes),
                DType.U8 => OverArray<byte>(dtype, shape, (int)count, fill, chunkBytes),
                DType.Bool => OverArray<bool>(dtype, shape, (int)count, fill, chunkBytes),
                _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
            };
        }
        var tensor = empty(shape, dtype.ToScalarType());
        try
        {
            if (byteLength <= chunkBytes)
            {
                fill(tensor.bytes, 0);
                return tensor;
            }
            using var flat = tensor.flatten();
            long elementSize = dtype.ElementSize();
            long chunkElements = chunkBytes / elementSize;
            for (long first = 0; first * elementSize < byteLength; first += chunkElements)
            {
                long n = Math.Min(chunkElements, byteLength / elementSize - first);
                using var part = flat.narrow(0, first, n);
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

    private static unsafe Tensor OverArray<T>(DType dtype, long[] shape, int count, Filler fill, int chunkBytes) where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(count, pinned: true);
        int chunkElements = chunkBytes / sizeof(T);
        for (int first = 0; first < count; first += chunkElements)
        {
            int n = Math.Min(chunkElements, count - first);
            fill(MemoryMarshal.AsBytes(array.AsSpan(first, n)), (long)first * sizeof(T));
        }
        using var flat = frombuffer(array, dtype.ToScalarType(), count);
        return flat.reshape(shape);
    }

    /// <summary>
    /// Refuses, before anything is read, to make a tensor of an entry whose dtype TorchSharp lacks
    /// (U16, U32, U64): a one-line message naming the file and the tensor and saying what to do instead.
    /// </summary>
    internal static void RequireScalarType(string path, TensorEntry entry)
    {
        if (!entry.DType.HasScalarType())
            throw new TensorFileException($"{path}: tensor {TensorFileException.Quote(entry.Name)}: {DTypeExtensions.NoTorchType(entry.DType)}");
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
