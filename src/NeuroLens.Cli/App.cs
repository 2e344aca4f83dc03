using System.CommandLine;
using NeuroLens.Cli.Commands;
using NeuroLens.Core;
using NeuroLens.Core.Runtime;

namespace NeuroLens.Cli;

/// <summary>
/// The <c>neurolens</c> program: builds the command tree, parses, runs one handler, and maps failures
/// to the exit codes and one-line errors of the conventions (0 success, 1 failure, 2 usage).
/// </summary>
internal static class App
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildRoot(args, stdout, stderr);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            string message = System.Text.RegularExpressions.Regex.Replace(parse.Errors[0].Message, @"\s*\n\s*", " ");
            stderr.WriteLine($"neurolens: {message} (see 'neurolens {CommandContext.PathOf(parse)} --help')");
            return ExitCodes.Usage;
        }
        bool verbose = parse.GetValue(CommonOptions.Verbose);
        // Every tensor the command makes belongs to a dispose scope, at worst this root one: TorchSharp 0.107 lets
        // the finalizer free an unreferenced temporary (the receiver of a chained call made outside any scope)
        // while a native call still reads it (docs/models.md). Commands are synchronous, so the scope, which is
        // per thread, covers them; what it still holds at the end was left to the garbage collector.
        var tensors = TorchSharp.torch.NewDisposeScope();
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Fail(e, verbose, stderr);
        }
        finally
        {
            if (verbose) stderr.WriteLine($"neurolens: {tensors.DisposablesCount} tensors were left to the root dispose scope");
            tensors.Dispose();
        }
    }

    internal static RootCommand BuildRoot(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand(
            "NeuroLens: Wasserstein neurons and sparse experts, concept emergence in sparse autoencoders, " +
            "cascade detectors for microscopy, and transferable EM segmentation.");
        foreach (var option in CommonOptions.All) root.Options.Add(option);

        Func<ParseResult, CommandContext> context = parse =>
        {
            var ctx = new CommandContext(parse, args, stdout, stderr,
                stderrIsTerminal: ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
            ComputeSettings.Configure(ctx.Threads, ctx.Device);
            return ctx;
        };
        root.Subcommands.Add(InfoCommand.Create(context));
        root.Subcommands.Add(TensorsCommand.Create(context));
        root.Subcommands.Add(ImageCommand.Create(context));
        root.Subcommands.Add(SegCommand.Create(context));
        root.Subcommands.Add(UnetCommand.Create(context));
        root.Subcommands.Add(CascadeCommand.Create(context));
        root.Subcommands.Add(ModelCommand.Create(context));
        root.Subcommands.Add(LmCommand.Create(context));
        root.Subcommands.Add(CaptureCommand.Create(context));
        root.Subcommands.Add(StatsCommand.Create(context));
        root.Subcommands.Add(PruneLayerCommand.Create(context));
        root.Subcommands.Add(EntangleCommand.Create(context));
        root.Subcommands.Add(PruneCommand.Create(context));
        root.Subcommands.Add(ExpandCommand.Create(context));
        root.Subcommands.Add(TransferCommand.Create(context));
        root.Subcommands.Add(CorpusCommand.Create(context));
        root.Subcommands.Add(SaeCommand.Create(context));
        root.Subcommands.Add(ConceptsCommand.Create(context));
        root.Subcommands.Add(EmergeCommand.Create(context));
        root.Subcommands.Add(ReproduceCommand.Create(context));
        return root;
    }

    private static int Fail(Exception e, bool verbose, TextWriter stderr)
    {
        // TorchSharp wraps native failures of its static initialiser; the inner exception says what happened.
        if (e is TypeInitializationException { InnerException: { } inner }) e = inner;
        // Parallel loops wrap what their bodies threw; the first inner error is the one to show.
        if (e is AggregateException aggregate) e = aggregate.Flatten().InnerExceptions[0];
        string line = e switch
        {
            NeuroLensException => e.Message,
            OperationCanceledException => "cancelled",
            _ => $"internal error: {e.GetType().Name}: {FirstLine(e.Message)}" + (verbose ? "" : " (--verbose shows the stack trace)"),
        };
        stderr.WriteLine($"neurolens: {line}");
        if (verbose) stderr.WriteLine(e);
        return e is UsageException ? ExitCodes.Usage : ExitCodes.Failure;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd();

}
