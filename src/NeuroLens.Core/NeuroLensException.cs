namespace NeuroLens.Core;

/// <summary>
/// A failure the user can act on: bad input, a malformed file, an unsupported option. The message is
/// one line that names the file (or option), the field and what was expected; the CLI prints it without
/// a stack trace and exits with code 1.
/// </summary>
public class NeuroLensException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public NeuroLensException(string message) : base(message) { }

    /// <summary>Creates the exception with its one-line message and the underlying cause.</summary>
    public NeuroLensException(string message, Exception inner) : base(message, inner) { }
}
