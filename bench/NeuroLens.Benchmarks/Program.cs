using BenchmarkDotNet.Running;
using NeuroLens.Benchmarks;

// Runs the benchmarks chosen on the command line, e.g. --filter '*Gaussian*'. Each class names its
// job through a [Config] (InProcessConfig unless it states its own); `--short` shortens InProcessConfig.
InProcessConfig.ShortRun = args.Contains("--short");
BenchmarkSwitcher.FromAssembly(typeof(InProcessConfig).Assembly).Run(args.Where(a => a != "--short").ToArray());
