using NeuroLens.Core;

namespace NeuroLens.Imaging.IO;

/// <summary>
/// A volume file that cannot be read or written: malformed, truncated, of an unsupported kind, or too
/// large. The message is one line, <c>FILE: what was wrong</c>.
/// </summary>
public sealed class VolumeFileException : NeuroLensException
{
    /// <summary>Creates the exception for <paramref name="path"/> with the problem in a few words.</summary>
    public VolumeFileException(string path, string problem) : base($"{path}: {OneLine(problem)}") => Path = path;

    /// <summary>Creates the exception for <paramref name="path"/> with the problem and the library error behind it.</summary>
    public VolumeFileException(string path, string problem, Exception inner) : base($"{path}: {OneLine(problem)}", inner) => Path = path;

    /// <summary>The file (or folder) concerned.</summary>
    public string Path { get; }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
