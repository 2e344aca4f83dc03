namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// Writes a file so that readers see either the old file or the complete new one: the content goes
/// to a temporary file in the same folder, which is flushed and then renamed over the target. On any
/// failure the temporary file is deleted and nothing is left at the target path.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Creates <paramref name="path"/> with the content that <paramref name="write"/> produces.</summary>
    internal static void Write(string path, Action<Stream> write)
    {
        var full = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new TensorFileException($"{path}: the folder {folder} does not exist");
        var temp = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (e is IOException or UnauthorizedAccessException)
                throw new TensorFileException($"{path}: cannot write: {e.Message}", e);
            throw;
        }
    }
}
