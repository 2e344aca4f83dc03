using BenchmarkDotNet.Attributes;
using NeuroLens.Core.Runtime;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Unet;

namespace NeuroLens.Benchmarks.Imaging;

/// <summary>
/// U-Net throughput at the CPU-default scale: depth 3, base width 16, batch normalisation, one input and
/// one output channel. <see cref="TrainingStep"/> reports the time of one Adam step on a batch of eight
/// 128² patches (steps/s = 1 / time; patches/s = 8 / time); <see cref="TiledPrediction"/> the time to
/// predict a 512² image with 128² tiles, overlap 32, batches of 8 (megapixels/s = 0.262 / time).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessConfig))]
public class UnetBenchmarks
{
    private const int StepsPerInvocation = 2;
    private static readonly UNetConfig NetConfig = new() { Depth = 3, BaseWidth = 16, Normalization = UNetNormalization.Batch };
    private UNet model = null!;
    private UnetTrainingPair[] data = [];
    private Volume<float> image = null!;

    /// <summary>Builds the network and a synthetic 4 × 256² training volume and a 512² test image.</summary>
    [GlobalSetup]
    public void Setup()
    {
        ComputeSettings.Configure(null, "cpu");
        model = new UNet(NetConfig, seed: 0);
        data = [new UnetTrainingPair(Noise(4, 256, 0), Noise(4, 256, 1))];
        image = Noise(1, 512, 2);
    }

    /// <summary>Releases the network.</summary>
    [GlobalCleanup]
    public void Cleanup() => model.Dispose();

    /// <summary>One training step (forward, BCE + Dice, backward, Adam) on 8 patches of 128².</summary>
    [Benchmark(OperationsPerInvoke = StepsPerInvocation)]
    public int TrainingStep()
    {
        var options = new UnetTrainingOptions { PatchSize = [128, 128], BatchSize = 8, Steps = StepsPerInvocation, LearningRate = 1e-3 };
        return new UnetTrainer(model, options).Train(data).Steps;
    }

    /// <summary>Tiled prediction of a 512² image.</summary>
    [Benchmark]
    public Volume<float> TiledPrediction() =>
        TiledInference.Predict(model, image, new TilingOptions { TileSize = [128, 128], Overlap = [32, 32], BatchSize = 8 });

    private static Volume<float> Noise(int depth, int size, int seed)
    {
        var random = new Random(seed);
        var v = new Volume<float>(depth, size, size, 1, depth == 1 ? 2 : 3);
        for (int i = 0; i < v.Data.Length; i++) v.Data[i] = (float)random.NextDouble();
        return v;
    }
}
