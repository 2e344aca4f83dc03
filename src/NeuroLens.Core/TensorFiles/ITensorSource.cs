using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// An opened tensor file (or sharded checkpoint): the list of its tensors, its string metadata, and
/// access to each tensor's data. Opening reads only headers; data is read when asked for. Data is
/// always returned little-endian in C (row-major) order, whatever the file stores. Dispose it to
/// release the file handles and mappings; tensors already returned stay valid. Instances are not
/// meant for concurrent use from several threads.
/// </summary>
public interface ITensorSource : IDisposable
{
    /// <summary>The path that was opened (file, index file or folder).</summary>
    string Path { get; }

    /// <summary>The tensors in file order.</summary>
    IReadOnlyList<TensorEntry> Entries { get; }

    /// <summary>String metadata (safetensors <c>__metadata__</c>); empty for .npy and .npz.</summary>
    IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The entry with the given name; a <see cref="TensorFileException"/> when there is none.</summary>
    TensorEntry GetEntry(string name);

    /// <summary>Copies the tensor's bytes (little-endian, C order) into <paramref name="destination"/>.</summary>
    void CopyTo(string name, Stream destination);

    /// <summary>
    /// The tensor's bytes (little-endian, C order) in a new array. Tensors over
    /// <see cref="Array.MaxLength"/> bytes do not fit an array: use <see cref="ReadTensor"/> or
    /// <see cref="CopyTo"/> for them.
    /// </summary>
    byte[] ReadBytes(string name);

    /// <summary>
    /// The tensor as a new CPU <see cref="Tensor"/> of the matching
    /// <see cref="DTypeExtensions.ToScalarType"/> type and shape. The file's bytes are copied once,
    /// straight into the memory the tensor uses: libtorch memory for tensors under 32 MiB, a pinned
    /// managed array wrapped with <c>torch.frombuffer</c> (the tensor aliases it, no further copy) for
    /// larger ones, whose fresh libtorch memory would cost more in page faults than the copy. Big-endian or Fortran-order .npy data costs one more in-memory pass.
    /// That one copy is unavoidable: TorchSharp 0.107 has no public API to wrap foreign memory such as
    /// the mapped file (its <c>from_blob</c> with a deleter is internal). The caller owns and disposes
    /// the tensor. Tensors of <see cref="DType.U16"/>, <see cref="DType.U32"/> and
    /// <see cref="DType.U64"/>, which TorchSharp has no type for, are refused with a one-line
    /// <see cref="TensorFileException"/>; read their bytes instead.
    /// </summary>
    Tensor ReadTensor(string name);
}
