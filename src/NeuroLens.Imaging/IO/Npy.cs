using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuroLens.Core.TensorFiles;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// NumPy arrays as volumes: a <c>.npy</c> file, or one named array of a <c>.npz</c> archive, read and
/// written through Core's <see cref="NpyFile"/> and <see cref="NpzFile"/> (so every .npy version,
/// byte order and Fortran order those accept is read, and writes are atomic). A 2D array is an image
/// <c>[y, x]</c>, a 3D array a volume <c>[z, y, x]</c>, a 4D array a multi-channel volume
/// <c>[c, z, y, x]</c>. Element types: uint8 … uint64, int8 … int64, float32, float64, and bool, read
/// as uint8 (0 or 1); float16 is refused. NumPy stores no voxel size, so it is 1 on reading and is not
/// written. As with HDF5, a 2D multi-channel image is written as <c>[c, 1, y, x]</c> and reads back as
/// a 3D volume of depth 1.
/// </summary>
public static class NpyFormat
{
    private static readonly byte[] NpyMagic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private static readonly byte[] ZipMagic = [(byte)'P', (byte)'K', 3, 4];
    private static readonly double[] NoVoxelSize = [1, 1, 1];

    /// <summary>Whether <paramref name="head"/> (the first bytes of a file) starts with the .npy magic <c>\x93NUMPY</c>.</summary>
    public static bool IsNpy(ReadOnlySpan<byte> head) => head.StartsWith(NpyMagic);

    /// <summary>Whether <paramref name="head"/> starts with a zip local-file signature, as a .npz does.</summary>
    public static bool IsNpz(ReadOnlySpan<byte> head) => head.StartsWith(ZipMagic);

    /// <summary>
    /// Shape and voxel type from the array's header, without reading (or decompressing) the voxels.
    /// For a .npz, <paramref name="arrayName"/> names the array (see <see cref="Read"/>).
    /// </summary>
    public static VolumeInfo Describe(string path, string arrayName = Hdf5Format.CremiRaw) => Guard(path, () =>
    {
        using var source = Open(path, out bool isNpz);
        var entry = Select(path, source, arrayName, isNpz);
        var (type, c, d, h, w, rank) = Layout(path, entry);
        foreach (long extent in new[] { c, d, h, w })
            if (extent > int.MaxValue) throw new VolumeFileException(path, $"array {Quote(entry.Name)} of shape {entry.ShapeText} is too large to describe as a volume.");
        int[] shape = rank == 2 ? [(int)h, (int)w] : [(int)d, (int)h, (int)w];
        string level = isNpz ? entry.Name : Path.GetFileName(path);
        return new VolumeInfo(isNpz ? "npz" : "npy", type, shape, (int)c, (double[])NoVoxelSize.Clone(), null,
            [new LevelInfo(level, shape, (double[])NoVoxelSize.Clone())], isNpz ? entry.Name : null);
    });

    /// <summary>
    /// Reads the array as a volume of its own element type (bool as uint8). In a .npz,
    /// <paramref name="arrayName"/> is the array's name (the member name without <c>.npy</c>); when it
    /// is the default (<see cref="Hdf5Format.CremiRaw"/>) and the archive holds no such array but exactly
    /// one array, that one is read. A .npy holds one array and ignores the name. The size is checked
    /// against <paramref name="maxBytes"/> before anything is allocated.
    /// </summary>
    public static AnyVolume Read(string path, string arrayName = Hdf5Format.CremiRaw, long maxBytes = VolumeReadOptions.DefaultMaxBytes) => Guard(path, () =>
    {
        using var source = Open(path, out bool isNpz);
        var entry = Select(path, source, arrayName, isNpz);
        var (type, c, d, h, w, rank) = Layout(path, entry);
        long bytes = FileGuard.CheckSize(path, maxBytes, type, c, d, h, w);
        Array data = VoxelTypes.NewArray(type, bytes / VoxelTypes.SizeOf(type));
        source.CopyTo(entry.Name, new ArrayStream(data));
        return AnyVolume.Wrap(data, (int)d, (int)h, (int)w, (int)c, rank, (double[])NoVoxelSize.Clone());
    });

    /// <summary>
    /// Writes the volume atomically as a .npy file or, when the path ends in <c>.npz</c>, as a stored
    /// (uncompressed) .npz holding one array named <paramref name="arrayName"/>: <c>[y, x]</c> for a
    /// single-channel image, <c>[z, y, x]</c> for a single-channel volume, <c>[c, z, y, x]</c> otherwise.
    /// The voxel size is not stored.
    /// </summary>
    public static void Write(string path, AnyVolume volume, string arrayName = Hdf5Format.CremiRaw) => Guard(path, () =>
    {
        long[] shape = volume.Channels > 1 ? [volume.Channels, volume.Depth, volume.Height, volume.Width]
            : volume.Dimensions == 2 ? [volume.Height, volume.Width]
            : [volume.Depth, volume.Height, volume.Width];
        bool isNpz = Path.GetExtension(path).Equals(".npz", StringComparison.OrdinalIgnoreCase);
        var raw = new RawTensor(isNpz ? arrayName : Path.GetFileNameWithoutExtension(path), ToDType(volume.Type), shape,
            stream => WriteVoxels(volume.Data, stream));
        if (isNpz) NpzFile.Write(path, [raw]);
        else NpyFile.Write(path, raw);
        return 0;
    });

    /// <summary>Writes an array's bytes in chunks, so that volumes over 2 GiB of bytes work too.</summary>
    private static void WriteVoxels(Array data, Stream stream)
    {
        long total = (long)data.Length * VoxelTypes.SizeOf(VoxelTypes.Of(data.GetType().GetElementType()!));
        ref byte start = ref MemoryMarshal.GetArrayDataReference(data);
        for (long done = 0; done < total;)
        {
            int n = (int)Math.Min(1 << 30, total - done);
            stream.Write(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref start, (nint)done), n));
            done += n;
        }
    }

        private static ITensorSource Open(string path, out bool isNpz)
    {
        Span<byte> head = stackalloc byte[8];
        int n;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        isNpz = !IsNpy(head[..n]) && (IsNpz(head[..n]) || path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase));
        return isNpz ? NpzFile.Open(path) : NpyFile.Open(path);
    }

    private static TensorEntry Select(string path, ITensorSource source, string arrayName, bool isNpz)
    {
        if (!isNpz) return source.Entries[0];
        var found = source.Entries.FirstOrDefault(e => e.Name == arrayName);
        if (found is not null) return found;
        if (arrayName == Hdf5Format.CremiRaw && source.Entries.Count == 1) return source.Entries[0];
        var names = source.Entries.Count == 0 ? "none" : string.Join(", ", source.Entries.Take(20).Select(e => Quote(e.Name)));
        throw new VolumeFileException(path, $"no array {Quote(arrayName)} in the archive (arrays: {names}); choose one with VolumeReadOptions.Dataset.");
    }

    /// <summary>Voxel type and extents (channels, z, y, x) of an array, and 2 or 3 spatial dimensions.</summary>
    private static (VoxelType Type, long C, long D, long H, long W, int Rank) Layout(string path, TensorEntry entry)
    {
        var type = entry.DType switch
        {
            DType.U8 or DType.Bool => VoxelType.UInt8,
            DType.I8 => VoxelType.Int8,
            DType.U16 => VoxelType.UInt16,
            DType.I16 => VoxelType.Int16,
            DType.U32 => VoxelType.UInt32,
            DType.I32 => VoxelType.Int32,
            DType.U64 => VoxelType.UInt64,
            DType.I64 => VoxelType.Int64,
            DType.F32 => VoxelType.Float32,
            DType.F64 => VoxelType.Float64,
            _ => throw new VolumeFileException(path, $"array {Quote(entry.Name)} holds {entry.DType} values, which no voxel type stores; convert it to float32 first."),
        };
        var s = entry.Shape;
        return s.Length switch
        {
            2 => (type, 1, 1, s[0], s[1], 2),
            3 => (type, 1, s[0], s[1], s[2], 3),
            4 => (type, s[0], s[1], s[2], s[3], 3),
            _ => throw new VolumeFileException(path,
                $"array {Quote(entry.Name)} has shape {entry.ShapeText}; a volume needs 2 axes (y, x), 3 (z, y, x) or 4 (c, z, y, x)."),
        };
    }

    private static DType ToDType(VoxelType type) => type switch
    {
        VoxelType.UInt8 => DType.U8,
        VoxelType.Int8 => DType.I8,
        VoxelType.UInt16 => DType.U16,
        VoxelType.Int16 => DType.I16,
        VoxelType.UInt32 => DType.U32,
        VoxelType.Int32 => DType.I32,
        VoxelType.UInt64 => DType.U64,
        VoxelType.Int64 => DType.I64,
        VoxelType.Float32 => DType.F32,
        _ => DType.F64,
    };

    private static string Quote(string name) =>
        "'" + (name.Length > 100 ? name[..100] + "…" : name).ReplaceLineEndings(" ") + "'";

    // Core reports problems as one-line TensorFileExceptions that start with the path; the user gets
    // the same line as a VolumeFileException, as from every other format.
    private static T Guard<T>(string path, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (TensorFileException e)
        {
            string message = e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
            throw new VolumeFileException(path, message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeFileException(path, $"cannot open or write: {e.Message}", e);
        }
    }

    /// <summary>A write-only stream that fills an array's bytes from the start, in order.</summary>
    private sealed class ArrayStream(Array array) : Stream
    {
        private long _position;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var target = VoxelTypes.AsBytes(array);
            if (buffer.Length > target.Length - _position)
                throw new InvalidOperationException($"array data runs past the {target.Length}-byte volume");
            buffer.CopyTo(target[(int)_position..]);
            _position += buffer.Length;
        }
    }
}
