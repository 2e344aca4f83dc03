using BenchmarkDotNet.Attributes;
using NeuroLens.Core.Runtime;
using NeuroLens.Entanglement.Pruning;
using static TorchSharp.torch;

namespace NeuroLens.Benchmarks;

/// <summary>
/// SparseGPT on one 2,048 × 8,192 layer (d_out × d_in) at 50 % unstructured sparsity, everything included:
/// Hessian accumulation over the calibration tokens (one seeded 8,192 × 8,192 float32 input batch added
/// Tokens / 8,192 times, so input generation is outside the timing), dead inputs, damping, Cholesky
/// inverse factor, blocked OBS pruning with B = 128. Compare with <c>tools/bench_sparsegpt_torch.py</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class SparseGptBenchmarks
{
    private const int Batch = 8_192;
    private Tensor _w = null!, _x = null!;

    /// <summary>Calibration tokens (multiples of 8,192).</summary>
    [Params(8_192, 131_072)]
    public int Tokens { get; set; }

    /// <summary>Draws W and the input batch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.Configure(2, "cpu");
        using var generator = new Generator(0);
        _w = randn([2_048, 8_192], generator: generator);
        _x = randn([Batch, 8_192], generator: generator);
    }

    /// <summary>Releases the tensors.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _w.Dispose();
        _x.Dispose();
    }

    /// <summary>Accumulate XᵀX over the tokens, then prune.</summary>
    [Benchmark]
    public long Prune()
    {
        using var covariance = new InputCovariance(8_192);
        for (int i = 0; i < Tokens / Batch; i++) covariance.Add(_x);
        var result = SparseGpt.Prune(_w, covariance, new SparsitySpec(0.5));
        using var pruned = result.Weight;
        return pruned.shape[0];
    }
}
