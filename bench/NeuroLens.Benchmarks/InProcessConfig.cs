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

    /// <summary>
    /// The job of benchmarks that report a median-based throughput column: a short run with 7 iterations,
    /// so that single iterations slowed by other work on a shared 2-core machine move the median less.
    /// </summary>
    public static Job SharedMachineJob { get; } = Job.ShortRun.WithIterationCount(7).WithToolchain(InProcessEmitToolchain.Instance);

    /// <summary>Creates the configuration.</summary>
    /// <remarks>The in-process toolchain aborts a benchmark after 5 minutes by default; one operation of the
    /// 20,000 + 20,000 MMD benchmark takes over a minute, so its 7 short-run operations need longer.</remarks>
    public InProcessConfig() =>
        // One hour per benchmark: the 20,000 + 20,000 MMD case runs for minutes; the default limit is 5.
        AddJob((ShortRun ? Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3) : Job.Default)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(1), logOutput: true)));
}
