using BenchmarkDotNet.Attributes;
using NeuroLens.Core.Runtime;
using NeuroLens.Core.Statistics;
using static TorchSharp.torch;

namespace NeuroLens.Benchmarks;

/// <summary>
/// Unbiased MMD² with the median-heuristic RBF bandwidth and a permutation test with 100 permutations,
/// everything included (float32 input converted to float64, median heuristic, kernel, permutations):
/// <see cref="Small"/> on 2,000 + 2,000 samples of dimension 1,024, whose 4,000² kernel (128 MB) fits the
/// default 256 MiB budget and is held; <see cref="Large"/> on 20,000 + 20,000, whose 40,000² kernel
/// (12.8 GB) does not and is computed in 5,792-row tiles (one pass for the observed split and all
/// permutations). x ~ N(0, I), y ~ N(0.05, I). Compare with <c>tools/bench_mmd_torch.py</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class MmdBenchmarks
{
    private const int Dimension = 1024;
    private static readonly MmdOptions Options = new() { Permutations = 100, Seed = 0 };
    private Tensor _smallX = null!, _smallY = null!, _largeX = null!, _largeY = null!;

    /// <summary>Draws the samples (float32, as features usually are).</summary>
    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.Configure(null, "cpu");
        using var generator = new Generator(0);
        _smallX = randn([2000, Dimension], generator: generator);
        _smallY = randn([2000, Dimension], generator: generator).add_(0.05);
        _largeX = randn([20000, Dimension], generator: generator);
        _largeY = randn([20000, Dimension], generator: generator).add_(0.05);
    }

    /// <summary>Releases the samples.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { _smallX, _smallY, _largeX, _largeY }) t.Dispose();
    }

    /// <summary>2,000 + 2,000 × 1,024, 100 permutations, whole kernel.</summary>
    [Benchmark]
    public MmdResult Small() => Mmd.Compute(_smallX, _smallY, Options);

    /// <summary>20,000 + 20,000 × 1,024, 100 permutations, blockwise kernel.</summary>
    [Benchmark]
    public MmdResult Large() => Mmd.Compute(_largeX, _largeY, Options);
}
