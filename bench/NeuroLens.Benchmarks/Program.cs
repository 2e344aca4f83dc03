using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process toolchain: the build output carries RID-specific natives (libtorch) that BenchmarkDotNet's
// default out-of-process toolchain would rebuild without. `--short` selects a short run (3 warm-ups,
// 3 iterations); other arguments go to BenchmarkDotNet (e.g. --filter '*Gaussian*').
bool shortRun = args.Contains("--short");
var job = (shortRun ? Job.ShortRun : Job.Default).WithToolchain(InProcessEmitToolchain.Instance);
var config = DefaultConfig.Instance.AddJob(job);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Where(a => a != "--short").ToArray(), config);
