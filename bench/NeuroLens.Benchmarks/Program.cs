using BenchmarkDotNet.Running;

namespace NeuroLens.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/NeuroLens.Benchmarks -- --filter '*Unet*' [--job short]</c>.
/// Every job runs in-process (<c>--inProcess</c> is always added), because the build output is specific
/// to this machine's runtime identifier and BenchmarkDotNet's out-of-process toolchain rebuilds without it.
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected by the BenchmarkDotNet command line.</summary>
    public static void Main(string[] args)
    {
        string[] all = args.Contains("--inProcess", StringComparer.OrdinalIgnoreCase) ? args : [.. args, "--inProcess"];
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(all);
    }
}
