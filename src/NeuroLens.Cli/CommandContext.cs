using System.CommandLine;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Reports;
using NeuroLens.Core.Runtime;
using Spectre.Console;

namespace NeuroLens.Cli;

/// <summary>
/// What a command handler gets: the common options already parsed and applied, the output writers,
/// and helpers for the output conventions (JSON on stdout, progress on stderr).
/// </summary>
internal sealed class CommandContext
{
    private readonly string? _out;

    public CommandContext(ParseResult parse, string[] args, TextWriter stdout, TextWriter stderr, bool stderrIsTerminal)
    {
        Args = args;
        CommandPath = PathOf(parse);
        _out = parse.GetValue(CommonOptions.Out);
        Json = parse.GetValue(CommonOptions.Json);
        Seed = parse.GetValue(CommonOptions.Seed);
        Threads = parse.GetValue(CommonOptions.Threads);
        Device = parse.GetValue(CommonOptions.Device) ?? "cpu";
        Quiet = parse.GetValue(CommonOptions.Quiet);
        Verbose = parse.GetValue(CommonOptions.Verbose);
        Stdout = stdout;
        Stderr = stderr;
        ShowProgress = stderrIsTerminal && !Quiet;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
    }

    /// <summary>The full argument vector, for results.json.</summary>
    public string[] Args { get; }

    /// <summary>The command's name path below the root, e.g. <c>tensors ls</c>.</summary>
    public string CommandPath { get; }

    public bool Json { get; }
    public int Seed { get; }
    public int Threads { get; }
    public string Device { get; }
    public bool Quiet { get; }
    public bool Verbose { get; }
    public TextWriter Stdout { get; }
    public TextWriter Stderr { get; }

    /// <summary>Human output (tables, summaries) on stdout; not used under <c>--json</c>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Whether progress bars are drawn (stderr is a terminal and not <c>--quiet</c>).</summary>
    public bool ShowProgress { get; }

    /// <summary>The raw <c>--out</c> value, for commands whose output is one file or store rather than a folder.</summary>
    public string? OutOption => _out;

    /// <summary>The output folder: <c>--out</c>, else <c>neurolens-out/&lt;command&gt;</c>.</summary>
    public OutputFolder Output => OutputFolder.ForCommand(_out, CommandPath.Replace(' ', '-'));

    /// <summary>The run's identity for results.json.</summary>
    public RunInfo Run() => RunInfo.Start(CommandPath, Args, Seed, ComputeSettings.Threads, Device);

    /// <summary>Prints the summary object as JSON on stdout (the whole of stdout under --json), with
    /// the conventions of results.json (snake_case, non-finite numbers as null).</summary>
    public void WriteJson(object summary) => Stdout.WriteLine(ResultsJson.SerializeResults(summary));

    /// <summary>Runs <paramref name="work"/> with a progress sink rendered on stderr when it is a terminal.</summary>
    public T WithProgress<T>(Func<IProgress<ProgressUpdate>, T> work) =>
        ShowProgress ? ProgressRenderer.Run(work) : work(new Progress<ProgressUpdate>(_ => { }));

    /// <summary>The parsed command's name path below the root, e.g. <c>tensors ls</c>.</summary>
    public static string PathOf(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        return string.Join(' ', names);
    }
}
