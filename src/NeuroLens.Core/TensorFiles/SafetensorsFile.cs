using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// A safetensors file (https://github.com/huggingface/safetensors): an 8-byte little-endian header
/// length N, N bytes of JSON header, then the data area. Opening reads and validates only the header
/// and memory-maps the file, so listing a 10 GB checkpoint reads a few kilobytes; tensor data is
/// copied out of the mapping when asked for. As with any memory-mapped reader, the file must not be
/// truncated by another program while it is open.
/// </summary>
public sealed class SafetensorsFile : ITensorSource
{
    /// <summary>The largest header accepted (100 MB, as in the reference implementation).</summary>
    public const long MaxHeaderLength = 100_000_000;

    private readonly Dictionary<string, TensorEntry> _byName;
    private readonly FileStream _stream;
    private readonly MemoryMappedFile? _mapping;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly unsafe byte* _base;
    private bool _disposed;

    private unsafe SafetensorsFile(string path, FileStream stream, List<TensorEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        _stream = stream;
        Entries = entries;
        Metadata = metadata;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        if (stream.Length > 0 && entries.Any(e => e.ByteLength > 0))
        {
            _mapping = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            _view = _mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;
        }
    }

    /// <inheritdoc/>
    public string Path { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TensorEntry> Entries { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// Opens a safetensors file, reading and validating its header (see the class summary for the
    /// checks). Every problem is a one-line <see cref="TensorFileException"/> naming the file and the
    /// tensor or field.
    /// </summary>
    public static SafetensorsFile Open(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TensorFileException($"{path}: cannot open: {e.Message}", e);
        }
        try
        {
            long fileLength = stream.Length;
            if (fileLength < 8)
                throw new TensorFileException($"{path}: truncated safetensors file: {fileLength} bytes, less than the 8-byte header length");
            Span<byte> prefix = stackalloc byte[8];
            ReadExactly(stream, prefix, 0);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > MaxHeaderLength)
                throw new TensorFileException($"{path}: safetensors header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes");
            if ((long)headerLength > fileLength - 8)
                throw new TensorFileException($"{path}: safetensors header length {headerLength} exceeds the {fileLength - 8} bytes after the length field (truncated or not a safetensors file)");
            var header = new byte[headerLength];
            ReadExactly(stream, header, 8);
            long dataStart = 8 + (long)headerLength;
            var (entries, metadata) = SafetensorsHeader.Parse(path, header, dataStart, fileLength - dataStart);
            return new SafetensorsFile(path, stream, entries, metadata);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public TensorEntry GetEntry(string name) =>
        _byName.TryGetValue(name, out var entry) ? entry
        : throw new TensorFileException($"{Path}: no tensor named {TensorFileException.Quote(name)}");

    /// <summary>The entry with the given name, or null.</summary>
    internal TensorEntry? TryGetEntry(string name) => _byName.GetValueOrDefault(name);

    /// <inheritdoc/>
    public void CopyTo(string name, Stream destination)
    {
        var entry = GetEntry(name);
        for (long done = 0; done < entry.ByteLength; done += TorchTensors.ChunkBytes)
            destination.Write(Span(entry.DataOffset + done, (int)Math.Min(TorchTensors.ChunkBytes, entry.ByteLength - done)));
    }

    /// <inheritdoc/>
    public byte[] ReadBytes(string name)
    {
        var entry = GetEntry(name);
        if (entry.ByteLength > Array.MaxLength)
            throw new TensorFileException($"{Path}: tensor {TensorFileException.Quote(name)} has {entry.ByteLength} bytes, too many for an array; read it as a tensor");
        return Span(entry.DataOffset, (int)entry.ByteLength).ToArray();
    }

    /// <inheritdoc/>
    public Tensor ReadTensor(string name)
    {
        var entry = GetEntry(name);
        TorchTensors.RequireScalarType(Path, entry);
        return TorchTensors.Create(entry.DType, entry.Shape, entry.ByteLength,
            (destination, offset) => Span(entry.DataOffset + offset, destination.Length).CopyTo(destination));
    }

    /// <summary>Releases the mapping and the file handle.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _mapping?.Dispose();
        _stream.Dispose();
    }

    /// <summary>A span over the mapped file; the range was validated against the file size at open.</summary>
    private unsafe ReadOnlySpan<byte> Span(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return length == 0 ? [] : new ReadOnlySpan<byte>(_base + offset, length);
    }

    private static void ReadExactly(FileStream stream, Span<byte> buffer, long offset)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = RandomAccess.Read(stream.SafeFileHandle, buffer[read..], offset + read);
            if (n == 0) throw new TensorFileException($"{stream.Name}: file ended while reading the header");
            read += n;
        }
    }
}
