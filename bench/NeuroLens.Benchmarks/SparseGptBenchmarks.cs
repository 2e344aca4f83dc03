using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using NeuroLens.Core.Runtime;
using NeuroLens.Entanglement.Pruning;
using static TorchSharp.torch;

namespace NeuroLens.Benchmarks;

/// <summary>
/// SparseGPT on one 2,048 × 8,192 layer (d_out × d_in) at 50 % unstructured sparsity, everything included:
/// Hessian accumulation over the calibration tokens (one seeded 8,192 × 8,192 float32 input batch added
/// Tokens / 8,192 times, so input generation is outside the timing), dead inputs, damping, Cholesky
/// inverse factor, blocked OBS pruning with B = 128. Compare with <c>tools/bench_sparsegpt_torch.py</c>.
/// No memory diagnoser: it would run the minutes-long operation a second time for its managed-allocation
/// count, which says nothing about the native tensors; measure the peak RSS with <c>/usr/bin/time -v</c>.
/// </summary>
[Config(typeof(SparseGptBenchmarks.OneShotConfig))]
public class SparseGptBenchmarks
{
    private const int Batch = 8_192;
    private Tensor _w = null!, _x = null!;

    /// <summary>
    /// Calibration tokens (a multiple of 8,192): <c>$NEUROLENS_SPARSEGPT_TOKENS</c>, default 131,072 (the issue's
    /// figure; its XᵀX alone is 17.6 TFLOP).
    /// </summary>
    [ParamsSource(nameof(TokenCounts))]
    public int Tokens { get; set; }

    /// <summary>The token counts to run.</summary>
    public static IEnumerable<int> TokenCounts() =>
        [int.TryParse(Environment.GetEnvironmentVariable("NEUROLENS_SPARSEGPT_TOKENS"), out int n) && n >= Batch ? n / Batch * Batch : 131_072];

    /// <summary>One operation is minutes long: one launch, no warm-up, one measured iteration (the monitoring strategy), in process.</summary>
    public sealed class OneShotConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        /// <summary>Creates the configuration.</summary>
        public OneShotConfig() => AddJob(BenchmarkDotNet.Jobs.Job.Default
            .WithStrategy(BenchmarkDotNet.Engines.RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(1)
            .WithToolchain(new BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain(TimeSpan.FromHours(2), logOutput: true)));
    }

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
