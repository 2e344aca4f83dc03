using NeuroLens.Core;
using NeuroLens.Core.IO;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// Shared safety rules of the readers and writers: size limits checked before allocating, and atomic
/// writes (a temporary file or folder in the same parent, renamed over the final name when complete).
/// </summary>
internal static class FileGuard
{
    /// <summary>Voxel bytes declared by a header: refused when they exceed <paramref name="maxBytes"/>
    /// (or the array limit) or when an extent is not positive.</summary>
    public static long CheckSize(string path, long maxBytes, VoxelType type, params long[] extents)
    {
        long count = 1;
        foreach (long e in extents)
        {
            if (e <= 0) throw new VolumeFileException(path, $"declared shape [{string.Join(", ", extents)}] has an extent that is not positive.");
            if (count > long.MaxValue / e) throw Huge(path, extents, type);
            count *= e;
        }
        int size = VoxelTypes.SizeOf(type);
        if (count > Math.Min(maxBytes, VolumeReadOptions.DefaultMaxBytes) / size) throw Huge(path, extents, type);
        return count * size;
    }

    private static VolumeFileException Huge(string path, long[] extents, VoxelType type) =>
        new(path, $"declared shape [{string.Join(", ", extents)}] of {VoxelTypes.Name(type)} exceeds the read limit (VolumeReadOptions.MaxBytes); read a region instead.");

    /// <summary>Writes a file through <see cref="AtomicFile.WriteVia"/>: the writer gets a temporary
    /// path, renamed over <paramref name="path"/> only when it succeeded.</summary>
    public static void WriteFile(string path, Action<string> write) => Guard(path, () => AtomicFile.WriteVia(path, write));

    /// <summary>Writes a file from a stream, atomically (<see cref="AtomicFile.Write"/>).</summary>
    public static void WriteStream(string path, Action<Stream> write) => Guard(path, () => AtomicFile.Write(path, write));

    /// <summary>Writes a folder (a zarr store) atomically (<see cref="AtomicFile.WriteDirectory"/>); an
    /// existing zarr store of that name is replaced only once the new one is complete, and any other
    /// existing folder is left alone and the write refused.</summary>
    public static void WriteDirectory(string path, Action<string> write)
    {
        if (Directory.Exists(path) && !IsZarrStore(path))
            throw new VolumeFileException(path, "a folder that is not a zarr store exists under that name; choose another name.");
        Guard(path, () => AtomicFile.WriteDirectory(path, write, IsZarrStore));
    }

    private static bool IsZarrStore(string folder) =>
        new[] { ".zarray", ".zgroup", ".zattrs" }.Any(m => File.Exists(Path.Combine(folder, m)));

    // Library writers (LibTiff, PureHDF) throw their own exception types; the user gets one line.
    private static void Guard(string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is not NeuroLensException)
        {
            throw new VolumeFileException(path, $"cannot write: {e.Message}", e);
        }
    }
}
