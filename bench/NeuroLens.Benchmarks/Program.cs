using BenchmarkDotNet.Running;
using NeuroLens.Benchmarks;

// dotnet run -c Release --project bench/NeuroLens.Benchmarks -- [--short] [BenchmarkDotNet options, e.g. --filter '*Watershed*']
// dotnet run -c Release --project bench/NeuroLens.Benchmarks -- dump-labels DIR SIZE   (raw label pair for tools/bench_skimage_metrics.py)
// dotnet run -c Release --project bench/NeuroLens.Benchmarks -- dump-watershed DIR     (heights and seeds for tools/bench_skimage_watershed.py)
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
InProcessConfig.ShortRun = args.Contains("--short");
BenchmarkSwitcher.FromAssembly(typeof(InProcessConfig).Assembly).Run(args.Where(a => a != "--short").ToArray());
