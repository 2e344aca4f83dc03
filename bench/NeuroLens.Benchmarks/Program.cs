using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NeuroLens.Benchmarks;

// dotnet run -c Release --project bench/NeuroLens.Benchmarks -- [--short] [BenchmarkDotNet options, e.g. --filter '*Watershed*']
// dotnet run -c Release --project bench/NeuroLens.Benchmarks -- dump-labels DIR SIZE   (raw label pair for tools/bench_skimage_metrics.py)
// dotnet run -c Release --project bench/NeuroLens.Benchmarks -- dump-watershed DIR     (heights and seeds for tools/bench_skimage_watershed.py)
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
bool shortRun = args.Contains("--short");
var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance);
if (shortRun)
    job = job.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3);
var config = DefaultConfig.Instance.AddJob(job.AsDefault());
BenchmarkSwitcher.FromAssembly(typeof(SyntheticLabels).Assembly).Run(args.Where(a => a != "--short").ToArray(), config);
