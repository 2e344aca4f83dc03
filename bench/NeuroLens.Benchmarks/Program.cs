using BenchmarkDotNet.Running;
using NeuroLens.Benchmarks;

// dotnet run -c Release --project bench/NeuroLens.Benchmarks -- [--short] [BenchmarkDotNet options, e.g. --filter '*Watershed*']
// dotnet run -c Release --project bench/NeuroLens.Benchmarks -- dump-labels DIR SIZE   (raw label pair for tools/bench_skimage_metrics.py)
// dotnet run -c Release --project bench/NeuroLens.Benchmarks -- dump-watershed DIR     (heights and seeds for tools/bench_skimage_watershed.py)
// dotnet run -c Release --project bench/NeuroLens.Benchmarks -- cascade-plan [2d|3d] (planner's predicted vs measured cascade wall time, Markdown table)
// dotnet run -c Release --project bench/NeuroLens.Benchmarks -- sae-profile D       (time of each piece of a TopK SAE step with AuxK)
// Each class names its job through a [Config] (InProcessConfig unless it states its own); `--short` shortens InProcessConfig.
if (args.Length == 3 && args[0] == "dump-labels")
{
    SyntheticLabels.Dump(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    return;
}
if (args.Length == 2 && args[0] == "dump-watershed")
{
    WatershedBenchmarks.Dump(args[1]);
    return;
}
if (args.Length is 1 or 2 && args[0] == "cascade-plan")
{
    NeuroLens.Benchmarks.Cascade.CascadePlanCheck.Run(Console.Out, args.Length == 2 ? [args[1]] : ["2d", "3d"]);
    return;
}
if (args.Length == 2 && args[0] == "sae-profile")
{
    SaeStepProfile.Run(Console.Out, int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
    return;
}
InProcessConfig.ShortRun = args.Contains("--short");
BenchmarkSwitcher.FromAssembly(typeof(InProcessConfig).Assembly).Run(args.Where(a => a != "--short").ToArray());
