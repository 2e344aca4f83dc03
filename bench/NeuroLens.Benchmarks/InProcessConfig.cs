using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace NeuroLens.Benchmarks;

/// <summary>
/// The job every benchmark class runs with unless it states its own: in-process, because the build
/// output carries runtime-specific natives (libtorch) that BenchmarkDotNet's default out-of-process
/// toolchain would rebuild without. <c>--short</c> on the command line selects a short run: 1 launch, 1 warm-up, 3 iterations.
/// </summary>
public sealed class InProcessConfig : ManualConfig
{
    /// <summary>Set by Program from <c>--short</c>.</summary>
    public static bool ShortRun { get; set; }

    /// <summary>Creates the configuration.</summary>
    public InProcessConfig() =>
        AddJob((ShortRun ? Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3) : Job.Default)
            .WithToolchain(InProcessEmitToolchain.Instance));
}
