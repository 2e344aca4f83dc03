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

    /// <summary>Writes a file through a temporary file in the same folder, renamed over
    /// <paramref name="path"/> only when <paramref name="write"/> succeeded.</summary>
    public static void WriteFile(string path, Action<string> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is not VolumeFileException)
        {
            throw new VolumeFileException(path, $"cannot write: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes a file from a stream, atomically (see <see cref="WriteFile(string, Action{string})"/>).</summary>
    public static void WriteStream(string path, Action<Stream> write) => WriteFile(path, temp =>
    {
        using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
        write(stream);
    });

    /// <summary>Writes a folder (a zarr store) through a temporary folder beside it; an existing zarr
    /// store of that name is replaced only once the new one is complete. Any other existing folder is
    /// left alone and the write refused.</summary>
    public static void WriteDirectory(string path, Action<string> write)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        string old = temp + ".old";
        if (Directory.Exists(full) && !new[] { ".zarray", ".zgroup", ".zattrs" }.Any(m => File.Exists(Path.Combine(full, m))))
            throw new VolumeFileException(path, "a folder that is not a zarr store exists under that name; choose another name.");
        try
        {
            Directory.CreateDirectory(temp);
            write(temp);
            if (File.Exists(full)) throw new VolumeFileException(path, "a file of that name exists where the folder would go.");
            bool replaced = Directory.Exists(full);
            if (replaced) Directory.Move(full, old);
            Directory.Move(temp, full);
            if (replaced) Directory.Delete(old, recursive: true);
        }
        catch (Exception e) when (e is not VolumeFileException)
        {
            throw new VolumeFileException(path, $"cannot write: {e.Message}", e);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }
}
