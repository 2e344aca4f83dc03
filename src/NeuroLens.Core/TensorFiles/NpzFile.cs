using NeuroLens.Core.IO;
using System.IO.Compression;
using static TorchSharp.torch;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// A NumPy .npz archive: a zip of .npy members (stored or deflated), as numpy.savez and
/// numpy.savez_compressed write it. Entry names are the member names without <c>.npy</c>. Opening
/// reads the central directory and every member's .npy header; members are decompressed when read.
/// </summary>
public sealed class NpzFile : ITensorSource
{
    /// <summary>Deflate cannot shrink data more than about 1032:1; a member claiming more is corrupt.</summary>
    private const long MaxDeflateRatio = 1032;

    private readonly FileStream _stream;
    private readonly ZipArchive _archive;
    private readonly Dictionary<string, (ZipArchiveEntry Member, NpyHeader Header, TensorEntry Entry)> _byName;

    private NpzFile(string path, FileStream stream, ZipArchive archive,
        List<(ZipArchiveEntry Member, NpyHeader Header, TensorEntry Entry)> members)
    {
        Path = path;
        _stream = stream;
        _archive = archive;
        _byName = members.ToDictionary(m => m.Entry.Name, StringComparer.Ordinal);
        Entries = members.Select(m => m.Entry).ToList();
    }

    /// <inheritdoc/>
    public string Path { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TensorEntry> Entries { get; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

    /// <summary>Opens a .npz archive and validates every member's .npy header.</summary>
    public static NpzFile Open(string path)
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
        ZipArchive? archive = null;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var members = new List<(ZipArchiveEntry, NpyHeader, TensorEntry)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in archive.Entries)
            {
                if (member.FullName.EndsWith('/')) continue;
                string where = $"{path}: member {TensorFileException.Quote(member.FullName)}";
                if (!member.FullName.EndsWith(".npy", StringComparison.Ordinal))
                    throw new TensorFileException($"{where}: is not a .npy array");
                var name = member.FullName[..^4];
                if (!seen.Add(name))
                    throw new TensorFileException($"{where}: appears twice in the archive");
                if (member.CompressedLength > stream.Length || member.Length > member.CompressedLength * MaxDeflateRatio + 1024)
                    throw new TensorFileException($"{where}: declared sizes ({member.CompressedLength} compressed, {member.Length} uncompressed) are impossible");
                NpyHeader header;
                try
                {
                    using var content = member.Open();
                    header = NpyHeader.Read(where, content, member.Length);
                }
                catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
                {
                    throw new TensorFileException($"{where}: corrupt zip data: {e.Message}", e);
                }
                members.Add((member, header, new TensorEntry(name, header.DType, header.Shape, header.ByteLength, header.DataOffset)));
            }
            return new NpzFile(path, stream, archive, members);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            archive?.Dispose();
            stream.Dispose();
            throw new TensorFileException($"{path}: not a valid .npz (zip) archive: {e.Message}", e);
        }
        catch
        {
            archive?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes tensors to a .npz archive atomically, each as a member <c>name.npy</c> in numpy.save's
    /// layout. <paramref name="compress"/> chooses deflated members (numpy.savez_compressed) over
    /// stored ones (numpy.savez). BF16 tensors are refused: NumPy has no bfloat16.
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, bool compress = false) =>
        Write(path, PendingTensor.FromTensors(path, tensors), compress);

    /// <summary>
    /// Writes tensors given as raw bytes (<see cref="RawTensor"/>, any dtype NumPy has, U16/U32/U64
    /// included) to a .npz archive atomically, as the other overload does.
    /// </summary>
    public static void Write(string path, IReadOnlyList<RawTensor> tensors, bool compress = false) =>
        Write(path, PendingTensor.FromRaw(path, tensors), compress);

    /// <summary>Writes pending tensors to a .npz archive atomically.</summary>
    internal static void Write(string path, IReadOnlyList<PendingTensor> tensors, bool compress)
    {
        var headers = tensors.Select(t => NpyHeader.Format(path, t.Name, t.DType, t.Shape)).ToList();
        AtomicFile.Write(path, stream =>
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            for (int i = 0; i < tensors.Count; i++)
            {
                var member = archive.CreateEntry(tensors[i].Name + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
                using var content = member.Open();
                content.Write(headers[i]);
                tensors[i].WriteData(content);
            }
        });
    }

    /// <inheritdoc/>
    public TensorEntry GetEntry(string name) => Find(name).Entry;

    /// <inheritdoc/>
    public void CopyTo(string name, Stream destination)
    {
        var (member, header, entry) = Find(name);
        Wrap(entry, () =>
        {
            using var content = OpenData(member, header);
            NpyData.CopyTo(header, content, destination);
            return 0;
        });
    }

    /// <inheritdoc/>
    public byte[] ReadBytes(string name)
    {
        var entry = GetEntry(name);
        if (entry.ByteLength > Array.MaxLength)
            throw new TensorFileException($"{Path}: tensor {TensorFileException.Quote(name)} has {entry.ByteLength} bytes, too many for a byte array; read it as a tensor");
        using var buffer = new MemoryStream((int)entry.ByteLength);
        CopyTo(name, buffer);
        return buffer.ToArray();
    }

    /// <inheritdoc/>
    public Tensor ReadTensor(string name)
    {
        var (member, header, entry) = Find(name);
        TorchTensors.RequireScalarType(Path, entry);
        return Wrap(entry, () =>
        {
            using var content = OpenData(member, header);
            return NpyData.ReadTensor(header, (destination, _) => NpyData.ReadExactly(content, destination));
        });
    }

    /// <summary>Releases the archive and the file handle.</summary>
    public void Dispose()
    {
        _archive.Dispose();
        _stream.Dispose();
    }

    private (ZipArchiveEntry Member, NpyHeader Header, TensorEntry Entry) Find(string name) =>
        _byName.TryGetValue(name, out var found) ? found
        : throw new TensorFileException($"{Path}: no tensor named {TensorFileException.Quote(name)}");

    private static Stream OpenData(ZipArchiveEntry member, NpyHeader header)
    {
        var content = member.Open();
        Span<byte> skip = stackalloc byte[4096];
        for (long left = header.DataOffset; left > 0;)
        {
            int n = (int)Math.Min(skip.Length, left);
            NpyData.ReadExactly(content, skip[..n]);
            left -= n;
        }
        return content;
    }

    private T Wrap<T>(TensorEntry entry, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (TensorFileException e) when (!e.Message.StartsWith(Path, StringComparison.Ordinal))
        {
            throw new TensorFileException($"{Path}: tensor {TensorFileException.Quote(entry.Name)}: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            throw new TensorFileException($"{Path}: tensor {TensorFileException.Quote(entry.Name)}: corrupt zip data: {e.Message}", e);
        }
    }
}
