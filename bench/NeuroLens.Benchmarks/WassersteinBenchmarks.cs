using BenchmarkDotNet.Attributes;
using NeuroLens.Core.Runtime;
using NeuroLens.Core.Statistics;
using static TorchSharp.torch;

namespace NeuroLens.Benchmarks;

/// <summary>
/// WD to N(0,1) of every column of a 131,072 × 2,048 float32 activation matrix (1 GiB), default
/// estimator (z-score with population std, column-wise sort, mean |z_(i) − Φ⁻¹((i−½)/N)|), 2 threads,
/// default 512 MiB block budget. Compare with <c>tools/bench_wasserstein_torch.py</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class WassersteinBenchmarks
{
    private Tensor _x = null!;

    /// <summary>Draws the matrix: N(0,1) with every fourth column cubed (heavy-tailed), as a seeded float32 tensor.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.Configure(2, "cpu");
        using var generator = new Generator(0);
        _x = randn([131_072, 2_048], generator: generator);
        using var cubed = _x.narrow(1, 0, 512).pow(3);
        _x.narrow(1, 0, 512).copy_(cubed);
    }

    /// <summary>Releases the matrix.</summary>
    [GlobalCleanup]
    public void Cleanup() => _x.Dispose();

    /// <summary>All 2,048 columns, 2 threads.</summary>
    [Benchmark]
    public GaussianWassersteinResult Columns2048() => GaussianWasserstein.Compute(_x, new GaussianWassersteinOptions { Threads = 2 });
}
