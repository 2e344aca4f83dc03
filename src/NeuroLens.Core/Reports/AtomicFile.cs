using System.Text;

namespace NeuroLens.Core.Reports;

/// <summary>
/// Writes files so that an interrupted run never leaves a half-written file under its final name:
/// the content goes to a temporary file in the same folder (same file system, so the rename is
/// atomic), is flushed to disk, and only then is renamed over the target. If writing fails, the
/// temporary file is deleted and the previous content of the target, if any, is left untouched.
/// </summary>
/// <remarks>
/// Temporary files are named <c>.NAME.XXXXXXXX.tmp</c> beside the target; a crash of the whole
/// process (power loss, SIGKILL) can leave one behind, but never a truncated <c>NAME</c>.
/// Parent folders are created as needed. Text is written as UTF-8 without a byte-order mark.
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
        // A span cannot be captured by the writer delegate, so copy once; files here are small.
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
    /// stream it is given. If <paramref name="write"/> throws, its exception propagates unchanged, the
    /// temporary file is deleted and the target keeps its previous content.
    /// </summary>
    /// <param name="path">Target file; its folder is created if missing.</param>
    /// <param name="write">Writes the complete new content; must not close the stream.</param>
    /// <exception cref="NeuroLensException">The file or its folder cannot be written.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)
            ?? throw new NeuroLensException($"{path}: cannot write a file at the root of the file system");
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0)
            throw new NeuroLensException($"{path}: expected a file path, got a folder");

        string tempPath = Path.Combine(folder, $".{fileName}.{Guid.NewGuid().ToString("N")[..8]}.tmp");
        bool inWriter = false;
        try
        {
            Directory.CreateDirectory(folder);
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                inWriter = true;
                write(stream);
                inWriter = false;
                // Flush to the device before the rename, so that the new name never points at
                // content still sitting in the page cache when the machine goes down.
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch (Exception ex)
        {
            TryDelete(tempPath);
            if (!inWriter && ex is IOException or UnauthorizedAccessException)
                throw new NeuroLensException($"{path}: cannot write file ({ex.Message})", ex);
            throw;
        }
    }

    private static void TryDelete(string tempPath)
    {
        try
        {
            File.Delete(tempPath);
        }
        catch (IOException)
        {
            // Best effort: the original failure is what the user needs to see.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
