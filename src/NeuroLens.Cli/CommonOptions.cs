using System.CommandLine;

namespace NeuroLens.Cli;

/// <summary>The options every command accepts (architecture.md, "Conventions every command follows").</summary>
internal static class CommonOptions
{
    public static readonly Option<string?> Out = new("--out")
    {
        Description = "Output folder (default: neurolens-out/<command>).", Recursive = true, HelpName = "DIR",
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the summary as JSON on stdout, and nothing else there.", Recursive = true,
    };

    public static readonly Option<int> Seed = new("--seed")
    {
        Description = "Random seed; same inputs, seed and thread count give the same numbers.", Recursive = true,
        DefaultValueFactory = _ => 0,
    };

    public static readonly Option<int> Threads = new("--threads")
    {
        Description = "CPU threads (default: all cores).", Recursive = true, HelpName = "N",
        DefaultValueFactory = _ => 0,
    };

    public static readonly Option<string> Device = new("--device")
    {
        Description = "cpu or cuda[:N] (cuda needs a CUDA build of libtorch).", Recursive = true,
        DefaultValueFactory = _ => "cpu",
    };

    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "No progress bars or human output on stderr.", Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show stack traces with errors.", Recursive = true,
    };

    public static IEnumerable<Option> All => [Out, Json, Seed, Threads, Device, Quiet, Verbose];
}
