namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// A tensor to write given as its raw bytes rather than as a TorchSharp tensor: the way to write
/// dtypes TorchSharp lacks (<see cref="DType.U16"/>, <see cref="DType.U32"/>, <see cref="DType.U64"/>)
/// and data held in .NET arrays, without a copy through torch. Write it with
/// <see cref="TensorFile.Write(string, IReadOnlyList{RawTensor}, IReadOnlyDictionary{string, string}?)"/>.
/// </summary>
/// <param name="Name">The tensor's name (for .npy, ignored: the file holds one unnamed array).</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimensions in C (row-major) order; an empty shape is a scalar.</param>
/// <param name="WriteData">
/// Writes exactly the product of <paramref name="Shape"/> times the element size of bytes, little-endian
/// and in C order, to the stream it is given. Writing more or fewer bytes fails the write with a
/// <see cref="TensorFileException"/> and leaves no file.
/// </param>
public sealed record RawTensor(string Name, DType DType, long[] Shape, Action<Stream> WriteData);
