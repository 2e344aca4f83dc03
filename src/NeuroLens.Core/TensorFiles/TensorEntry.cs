namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// One tensor listed in a tensor file: its name, element type, shape (row-major, outermost axis first;
/// an empty shape is a scalar) and the size of its data. Record equality compares <see cref="Shape"/>
/// by reference; compare shapes with <c>SequenceEqual</c>.
/// </summary>
/// <param name="Name">The tensor's name (in .npy files: the file name without extension; in .npz: the member name without <c>.npy</c>).</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimensions in C (row-major) order, as the data is returned by the readers.</param>
/// <param name="ByteLength">Product of the shape times the element size.</param>
/// <param name="DataOffset">
/// Where the tensor's bytes start: in safetensors, the absolute offset in the (shard) file; in .npy,
/// the offset after the header; in .npz, the offset inside the uncompressed member.
/// </param>
public sealed record TensorEntry(string Name, DType DType, long[] Shape, long ByteLength, long DataOffset)
{
    /// <summary>The number of elements (1 for a scalar, 0 when any dimension is 0).</summary>
    public long ElementCount => ByteLength / DType.ElementSize();

    /// <summary>The shape written the way NumPy prints it, e.g. <c>(2, 3)</c>, <c>(4,)</c> or <c>()</c>.</summary>
    public string ShapeText => Shape.Length == 1 ? $"({Shape[0]},)" : $"({string.Join(", ", Shape)})";
}
