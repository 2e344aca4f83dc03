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
