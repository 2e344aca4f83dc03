namespace NeuroLens.Cli;

/// <summary>The process exit codes of the architecture's conventions.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;
    /// <summary>The command ran and failed: bad input file, a failed computation.</summary>
    public const int Failure = 1;
    /// <summary>The command line itself was wrong: unknown option, missing argument, bad value.</summary>
    public const int Usage = 2;
}
