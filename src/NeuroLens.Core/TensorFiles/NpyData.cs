using System.Buffers.Binary;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// Turns the data of a .npy array into little-endian C-order tensors and bytes: big-endian elements
/// are byte-swapped in place as they arrive; Fortran-order data is read as the transposed C-order
/// array and permuted back, which costs one extra in-memory copy.
/// </summary>
internal static class NpyData
{
    /// <summary>
    /// The array as a tensor. <paramref name="readRaw"/> fills a buffer with the stored bytes starting
    /// at a data offset; it is called with increasing offsets, so a sequential stream works.
    /// </summary>
    internal static Tensor ReadTensor(NpyHeader header, TorchTensors.Filler readRaw)
    {
        bool fortran = header.FortranOrder && header.Shape.Length > 1;
        var storedShape = fortran ? header.Shape.Reverse().ToArray() : header.Shape;
        int elementSize = header.DType.ElementSize();
        var stored = TorchTensors.Create(header.DType, storedShape, header.ByteLength, (destination, offset) =>
        {
            readRaw(destination, offset);
            if (header.BigEndian) SwapInPlace(destination, elementSize);
        });
        if (!fortran) return stored;
        using (stored)
        {
            var reverse = Enumerable.Range(0, header.Shape.Length).Reverse().Select(i => (long)i).ToArray();
            using var view = stored.permute(reverse);
            return view.contiguous();
        }
    }

    /// <summary>Writes the array's bytes, little-endian and in C order, to <paramref name="destination"/>.</summary>
    internal static void CopyTo(NpyHeader header, Stream source, Stream destination)
    {
        if (header.NeedsConversion)
        {
            // Swapping and reordering only move bytes, so unsigned types, which torch lacks, go
            // through the signed type of the same size, bit for bit.
            using var tensor = ReadTensor(header with { DType = header.DType.SameSizeSigned() }, (buffer, _) => ReadExactly(source, buffer));
            TorchTensors.WriteTo(tensor, destination);
            return;
        }
        var buffer = new byte[(int)Math.Min(1 << 20, Math.Max(1, header.ByteLength))];
        for (long done = 0; done < header.ByteLength;)
        {
            int n = (int)Math.Min(buffer.Length, header.ByteLength - done);
            ReadExactly(source, buffer.AsSpan(0, n));
            destination.Write(buffer, 0, n);
            done += n;
        }
    }

    /// <summary>Reads exactly the buffer's length; a short stream is a truncated array.</summary>
    internal static void ReadExactly(Stream source, Span<byte> buffer)
    {
        try
        {
            source.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new TensorFileException("truncated .npy data", e);
        }
    }

    private static void SwapInPlace(Span<byte> data, int elementSize)
    {
        switch (elementSize)
        {
            case 2:
                var shorts = MemoryMarshal.Cast<byte, short>(data);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 4:
                var ints = MemoryMarshal.Cast<byte, int>(data);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            case 8:
                var longs = MemoryMarshal.Cast<byte, long>(data);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
        }
    }
}
