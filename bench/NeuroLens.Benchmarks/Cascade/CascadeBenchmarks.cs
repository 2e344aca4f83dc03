using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NeuroLens.Cascade.Execution;
using NeuroLens.Core.Runtime;

namespace NeuroLens.Benchmarks.Cascade;

/// <summary>
/// Throughput of each cascade detector (intensity statistics, filter-bank pixel forest, CNN) run
/// single-level on every level-0 chunk, and of the two-level cascade (exhaustive level 1, then the
/// children of positive chunks), on a 2048² image and a 64 × 192 × 192 volume of synthetic nuclei at chunk
/// prevalence 0.05 (<see cref="CascadeBenchTask"/>; training and calibration are in the setup, not timed).
/// The MVox/s column is level-0 megavoxels over the median time, for the cascade too (the image it
/// covers, not the voxels it reads).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class CascadeBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // One warm-up and three iterations: one forest operation on the 2048² image takes seconds to tens of seconds.
            AddJob(Job.ShortRun.WithWarmupCount(1).WithIterationCount(3).WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(1), logOutput: true)));
            AddColumn(new ThroughputColumn("MVox/s", "level-0 megavoxels per second at the median time",
                c => c.Parameters["Shape"] as string == "3d" ? 64.0 * 192 * 192 : 2048.0 * 2048, unitExponent: 6));
        }
    }

    private CascadeBenchTask _task = null!;

    /// <summary><c>2d</c>: 2048 × 2048; <c>3d</c>: 64 × 192 × 192.</summary>
    [Params("2d", "3d")]
    public string Shape { get; set; } = "2d";

    /// <summary>The detector at both levels.</summary>
    [Params("intensity", "forest", "cnn")]
    public string Detector { get; set; } = "intensity";

    /// <summary>Generates the image and trains and thresholds the detectors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.Configure(null, "cpu");
        _task = new CascadeBenchTask(Shape, Detector);
    }

    /// <summary>Releases the detectors.</summary>
    [GlobalCleanup]
    public void Cleanup() => _task.Dispose();

    /// <summary>The level-0 detector on every level-0 chunk.</summary>
    [Benchmark(Baseline = true)]
    public CascadeRun SingleLevel() => CascadeExecutor.RunSingleLevel(_task.Pyramid[0], _task.Grid, _task.Stages[0]);

    /// <summary>The two-level cascade.</summary>
    [Benchmark]
    public CascadeRun TwoLevel() => CascadeExecutor.Run(_task.Pyramid, _task.Grid, _task.Stages);
}
