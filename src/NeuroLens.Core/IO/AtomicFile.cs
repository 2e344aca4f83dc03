using System.Text;

namespace NeuroLens.Core.IO;

/// <summary>
/// Writes files and folders so that an interrupted run never leaves a half-written result under its
/// final name: the content goes to a temporary file (or folder) in the same parent (same file system,
/// so the rename is atomic), files are flushed to disk, and only then is it renamed over the target.
/// If writing fails, the temporary is deleted and the previous content of the target, if any, is left
/// untouched.
/// </summary>
/// <remarks>
/// Temporaries are named <c>.NAME.XXXXXXXX.tmp</c> beside the target; a crash of the whole process
/// (power loss, SIGKILL) can leave one behind, but never a truncated <c>NAME</c>. Parent folders are
/// created as needed. Text is UTF-8 without a byte-order mark. File-system failures (an
/// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>, from the writer or from the
/// rename) become a one-line <see cref="NeuroLensException"/> naming the target; any other exception
/// of the writer propagates unchanged.
/// </remarks>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="bytes"/>.</summary>
    /// <param name="path">Target file; its folder is created if missing.</param>
    /// <param name="bytes">The complete new content.</param>
    /// <exception cref="NeuroLensException">The file or its folder cannot be written.</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        // A span cannot be captured by the writer delegate, so copy once; files written this way are small.
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy, 0, copy.Length));
    }

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="text"/> in UTF-8 (no BOM).</summary>
    /// <param name="path">Target file; its folder is created if missing.</param>
    /// <param name="text">The complete new content.</param>
    /// <exception cref="NeuroLensException">The file or its folder cannot be written.</exception>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, Utf8NoBom.GetBytes(text));
    }

    /// <summary>
    /// Atomically replaces <paramref name="path"/> with whatever <paramref name="write"/> writes to the
    /// stream it is given (buffered; the stream must not be closed by the writer).
    /// </summary>
    /// <param name="path">Target file; its folder is created if missing.</param>
    /// <param name="write">Writes the complete new content.</param>
    /// <exception cref="NeuroLensException">The file or its folder cannot be written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteVia(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            write(stream);
            // Flush to the device before the rename, so that the new name never points at content
            // still sitting in the page cache when the machine goes down.
            stream.Flush(flushToDisk: true);
        });
    }

    /// <summary>
    /// Atomically replaces <paramref name="path"/> with the file that <paramref name="write"/> creates at
    /// the temporary path it is given — for libraries that write by file name (TIFF, HDF5).
    /// </summary>
    /// <param name="path">Target file; its folder is created if missing.</param>
    /// <param name="write">Creates the complete file at the given temporary path.</param>
    /// <exception cref="NeuroLensException">The file or its folder cannot be written.</exception>
    public static void WriteVia(string path, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var (fullPath, temp) = Temporary(path);
        try
        {
            write(temp);
            if (!File.Exists(temp))
                throw new NeuroLensException($"{path}: the writer created no file");
            File.Move(temp, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuroLensException($"{path}: cannot write file ({e.Message.Split('\n')[0]})", e);
        }
        finally
        {
            TryDelete(temp, directory: false);
        }
    }

    /// <summary>
    /// Atomically replaces the folder <paramref name="path"/> (a zarr store, a checkpoint folder) with the
    /// folder that <paramref name="write"/> fills at the temporary path it is given. An existing folder is
    /// replaced only when <paramref name="mayReplace"/> accepts it (for example, only an existing zarr
    /// store), so a mistyped path never deletes a user's data; it is moved aside, the new folder renamed
    /// into place, and only then deleted.
    /// </summary>
    /// <param name="path">Target folder; its parent is created if missing.</param>
    /// <param name="write">Fills the (existing, empty) temporary folder.</param>
    /// <param name="mayReplace">Whether an existing folder at <paramref name="path"/> may be replaced.</param>
    /// <exception cref="NeuroLensException">The folder cannot be written, or an existing one may not be replaced.</exception>
    public static void WriteDirectory(string path, Action<string> write, Func<string, bool> mayReplace)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(mayReplace);
        var (fullPath, temp) = Temporary(Path.TrimEndingDirectorySeparator(path));
        string old = temp + ".old";
        if (File.Exists(fullPath))
            throw new NeuroLensException($"{path}: a file of that name exists where the folder would go");
        if (Directory.Exists(fullPath) && !mayReplace(fullPath))
            throw new NeuroLensException($"{path}: a folder of that name exists and is not one this command replaces; choose another name");
        try
        {
            Directory.CreateDirectory(temp);
            write(temp);
            bool replacing = Directory.Exists(fullPath);
            if (replacing) Directory.Move(fullPath, old);
            Directory.Move(temp, fullPath);
            if (replacing) TryDelete(old, directory: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuroLensException($"{path}: cannot write folder ({e.Message.Split('\n')[0]})", e);
        }
        finally
        {
            TryDelete(temp, directory: true);
        }
    }

    private static (string Full, string Temp) Temporary(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)
            ?? throw new NeuroLensException($"{path}: cannot write at the root of the file system");
        string name = Path.GetFileName(fullPath);
        if (name.Length == 0)
            throw new NeuroLensException($"{path}: expected a file or folder name");
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuroLensException($"{path}: cannot create its folder ({e.Message.Split('\n')[0]})", e);
        }
        return (fullPath, Path.Combine(folder, $".{name}.{Guid.NewGuid().ToString("N")[..8]}.tmp"));
    }

    private static void TryDelete(string path, bool directory)
    {
        try
        {
            if (directory && Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (!directory && File.Exists(path)) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original failure, if any, is what the user needs to see.
        }
    }
}
