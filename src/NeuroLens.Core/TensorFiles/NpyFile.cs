using NeuroLens.Core.IO;
using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// A NumPy .npy file holding one array (versions 1.0, 2.0 and 3.0; little- or big-endian; C or
/// Fortran order; the dtypes of <see cref="DType"/> except BF16). Its single entry is named after
/// the file without its extension. Opening reads only the header and checks that the file holds all
/// the data the header promises; object arrays (which need pickle) are refused.
/// </summary>
public sealed class NpyFile : ITensorSource
{
    private readonly FileStream _stream;
    private readonly NpyHeader _header;
    private readonly TensorEntry _entry;

    private NpyFile(string path, FileStream stream, NpyHeader header)
    {
        Path = path;
        _stream = stream;
        _header = header;
        _entry = new TensorEntry(System.IO.Path.GetFileNameWithoutExtension(path), header.DType, header.Shape, header.ByteLength, header.DataOffset);
        Entries = [_entry];
    }

    /// <inheritdoc/>
    public string Path { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TensorEntry> Entries { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

    /// <summary>Opens a .npy file and validates its header against the file's length.</summary>
    public static NpyFile Open(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TensorFileException($"{path}: cannot open: {e.Message}", e);
        }
        try
        {
            var header = NpyHeader.Read(path, stream, stream.Length);
            return new NpyFile(path, stream, header);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes one tensor to a .npy file atomically, as numpy.save would (little-endian, C order,
    /// version 1.0 header unless it needs 2.0). BF16 tensors are refused: NumPy has no bfloat16.
    /// </summary>
    public static void Write(string path, Tensor tensor)
    {
        var pending = PendingTensor.FromTensor(path, System.IO.Path.GetFileNameWithoutExtension(path), tensor);
        Write(path, pending);
    }

    /// <summary>
    /// Writes one tensor given as raw bytes (<see cref="RawTensor"/>, any dtype NumPy has, U16/U32/U64
    /// included) to a .npy file atomically, as numpy.save would. Its name is not stored.
    /// </summary>
    public static void Write(string path, RawTensor tensor) => Write(path, PendingTensor.FromRaw(path, tensor));

    /// <summary>Writes a pending tensor to a .npy file atomically.</summary>
    internal static void Write(string path, PendingTensor tensor)
    {
        var header = NpyHeader.Format(path, tensor.Name, tensor.DType, tensor.Shape);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(header);
            tensor.WriteData(stream);
        });
    }

    /// <inheritdoc/>
    public TensorEntry GetEntry(string name) =>
        name == _entry.Name ? _entry
        : throw new TensorFileException($"{Path}: no tensor named {TensorFileException.Quote(name)} (a .npy file holds one array, {TensorFileException.Quote(_entry.Name)})");

    /// <inheritdoc/>
    public void CopyTo(string name, Stream destination)
    {
        GetEntry(name);
        _stream.Position = _header.DataOffset;
        Wrap(() => NpyData.CopyTo(_header, _stream, destination));
    }

    /// <inheritdoc/>
    public byte[] ReadBytes(string name)
    {
        GetEntry(name);
        if (_header.ByteLength > Array.MaxLength)
            throw new TensorFileException($"{Path}: array has {_header.ByteLength} bytes, too many for a byte array; read it as a tensor");
        using var buffer = new MemoryStream((int)_header.ByteLength);
        CopyTo(name, buffer);
        return buffer.ToArray();
    }

    /// <inheritdoc/>
    public Tensor ReadTensor(string name)
    {
        TorchTensors.RequireScalarType(Path, GetEntry(name));
        var handle = _stream.SafeFileHandle;
        return Wrap(() => NpyData.ReadTensor(_header, (destination, offset) =>
        {
            for (int done = 0; done < destination.Length;)
            {
                int n = RandomAccess.Read(handle, destination[done..], _header.DataOffset + offset + done);
                if (n == 0) throw new TensorFileException("truncated .npy data");
                done += n;
            }
        }));
    }

    /// <summary>Releases the file handle.</summary>
    public void Dispose() => _stream.Dispose();

    private void Wrap(Action action) => Wrap(() => { action(); return 0; });

    private T Wrap<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (TensorFileException e) when (!e.Message.StartsWith(Path, StringComparison.Ordinal))
        {
            throw new TensorFileException($"{Path}: tensor {TensorFileException.Quote(_entry.Name)}: {e.Message} (the file changed or was truncated after opening)", e);
        }
    }
}
