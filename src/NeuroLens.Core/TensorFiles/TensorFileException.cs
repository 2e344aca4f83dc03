using System.Text;

namespace NeuroLens.Core.TensorFiles;

/// <summary>
/// A tensor file that cannot be read or written: missing, malformed, of an unsupported or unsafe format.
/// The message is one line naming the file and, where there is one, the tensor or header field.
/// </summary>
public sealed class TensorFileException : NeuroLensException
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public TensorFileException(string message) : base(OneLine(message)) { }

    /// <summary>Creates the exception with its one-line message and the underlying cause.</summary>
    public TensorFileException(string message, Exception inner) : base(OneLine(message), inner) { }

    /// <summary>
    /// A name from a file, quoted for a message: control characters escaped and long names shortened,
    /// so that a hostile file cannot break the one-line rule or flood the terminal.
    /// </summary>
    internal static string Quote(string name)
    {
        const int maxLength = 200;
        var sb = new StringBuilder(Math.Min(name.Length, maxLength) + 2).Append('\'');
        foreach (var c in name.Length > maxLength ? name[..maxLength] : name)
        {
            if (char.IsControl(c)) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        if (name.Length > maxLength) sb.Append("…");
        return sb.Append('\'').ToString();
    }

    private static string OneLine(string message) =>
        message.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
