using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using NeuroLens.Core.Runtime;
using NeuroLens.Emergence.Sae;
using static TorchSharp.torch;

namespace NeuroLens.Benchmarks;

/// <summary>
/// One TopK SAE training step (forward, FVU loss, backward, parallel-gradient removal, Adam, decoder
/// renormalisation, dead-latent bookkeeping) for d ∈ {384, 512}, 16 × d latents, k = 32, 4,096 tokens
/// per step, on 2 torch threads, without and with the AuxK term (<see cref="AuxK"/>: every latent dead, so the
/// residual is reconstructed by the top k_aux = d/2 pre-activations on every step, the most expensive case).
/// Inputs are N(0, 1) rows (seeded) — the same work as tools/bench_sae_torch.py. Tokens/s counts the batch rows
/// per step.
/// </summary>
[Config(typeof(Config))]
public class SaeTrainingBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(InProcessConfig.SharedMachineJob);
            AddColumn(StatisticColumn.Median, StatisticColumn.Min, new ThroughputColumn("tokens/s", "Training tokens per second at the median time",
                _ => Batch, format: "F0"));
        }
    }

    private const int Batch = 4096;
    private SparseAutoencoder _sae = null!;
    private SaeTrainer _trainer = null!;
    private Tensor _x = null!;

    /// <summary>Input width d.</summary>
    [Params(384, 512)]
    public int D { get; set; }

    /// <summary>Every latent dead (a dead window of 0 tokens): the AuxK term on every step.</summary>
    [Params(false, true)]
    public bool AuxK { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.Configure(2, "cpu");
        _sae = SparseAutoencoder.Initialize(SaeArchitecture.TopK, D, 16 * D, 32, 0);
        _trainer = new SaeTrainer(_sae, new SaeTrainingOptions { Latents = 16 * D, K = 32, BatchSize = Batch, ScaleInputs = false }, 1_000_000,
            AuxK ? 0 : long.MaxValue / 2);
        _x = randn([Batch, D], generator: new Generator(1));
    }

    [Benchmark]
    public double TrainStep() => _trainer.TrainStep(_x).Loss;

    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer.Dispose();
        _sae.Dispose();
        _x.Dispose();
    }
}
