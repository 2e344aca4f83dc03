namespace NeuroLens.Cli.Tests;

/// <summary>Runs the <c>neurolens</c> program in-process with captured stdout and stderr.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    // The program configures process-wide torch settings; tests that run it must not overlap.
    private static readonly object Gate = new();

    public static Result Run(params string[] args)
    {
        lock (Gate)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int code = App.Run(args, stdout, stderr);
            return new Result(code, stdout.ToString(), stderr.ToString());
        }
    }
}
