using BenchmarkDotNet.Running;

// Runs the benchmarks chosen on the command line, e.g. --filter '*TensorFile*'.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
