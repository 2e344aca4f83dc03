using NeuroLens.Core;

namespace NeuroLens.Cli;

/// <summary>A command line that names a valid command but gives it unusable values; exit code 2.</summary>
internal sealed class UsageException(string message) : NeuroLensException(message);
