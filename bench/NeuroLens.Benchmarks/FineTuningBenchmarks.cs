using BenchmarkDotNet.Attributes;
using NeuroLens.Core.Runtime;
using NeuroLens.Imaging.Metrics;
using NeuroLens.Imaging.Segmentation;
using NeuroLens.Imaging.Unet;
using NeuroLens.Transfer;

namespace NeuroLens.Benchmarks;

/// <summary>
/// Throughput of the Transfer study's inner loop at the reproduction's default scale: one fine-tuning run
/// (depth-2, width-8 U-Net copied from a source model, 50 Adam steps of 4 random 64² crops from 4
/// annotated 128² synthetic EM patches, flips and rotations) and one evaluation (boundary prediction,
/// instance extraction and VI on 4 held-out 128² patches). All torch threads.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class FineTuningBenchmarks
{
    private static readonly UNetConfig Network = new() { Depth = 2, BaseWidth = 8 };
    private static readonly TrainingBudget Budget = new() { Steps = 50, BatchSize = 4, CropSize = 64 };
    private TransferDomain domain = null!;
    private UNet source = null!;
    private InstanceSegmentationOptions extraction = null!;

    /// <summary>Generates the domain and a briefly trained source model.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.Configure(null, "cpu");
        domain = TransferDomain.Synthetic("mouse-sbem", new DomainSizes { PatchSize = 128, Train = 4, Validation = 4, Test = 4 }, seed: 0);
        source = FineTuning.Train(null, Network, domain.Train, Budget with { Steps = 20 }, seed: 0);
        extraction = FineTuning.TuneExtraction(source, domain.Validation, IgnoreZero.None);
    }

    /// <summary>Releases the source model.</summary>
    [GlobalCleanup]
    public void Cleanup() => source.Dispose();

    /// <summary>One fine-tuning run: 50 steps of 4 crops.</summary>
    [Benchmark]
    public void FineTune50Steps()
    {
        using var model = FineTuning.Train(source, Network, domain.Train, Budget, seed: 1);
    }

    /// <summary>Prediction, instance extraction and VI on 4 held-out patches.</summary>
    [Benchmark]
    public double EvaluateFourPatches() => FineTuning.Evaluate(source, domain.Test, extraction, IgnoreZero.None).Total;
}
