using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Imaging.Unet;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Tests.Unet;

public sealed class UnetTrainerTests(ITestOutputHelper output) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("neurolens-unet-").FullName;

    static UnetTrainerTests() => TorchThreads.UseOne();

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static readonly UNetConfig TinyConfig = new() { Depth = 2, BaseWidth = 4, Normalization = UNetNormalization.Batch };

    private static UnetTrainingPair[] Data(int count = 1, int depth = 4, int size = 48)
    {
        return Enumerable.Range(0, count).Select(i =>
        {
            var (image, target) = SyntheticBoundaries.Make(seed: 10 + i, depth, size, size, dimensions: depth == 1 ? 2 : 3);
            return new UnetTrainingPair(image, target);
        }).ToArray();
    }

    private sealed class SyncProgress(Action<ProgressUpdate> onReport) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => onReport(value);
    }

    [Fact]
    public void TinyNetworkLearnsTheBoundaryBetweenTwoFlatRegions()
    {
        using var model = new UNet(TinyConfig, seed: 1, device: CPU);
        var options = new UnetTrainingOptions { PatchSize = [32, 32], BatchSize = 4, Steps = 100, LearningRate = 1e-2, Seed = 3 };
        var result = new UnetTrainer(model, options).Train(Data());
        Assert.Equal(100, result.Losses.Count);
        double first = result.Losses.Take(5).Average(), last = result.Losses.TakeLast(10).Average();
        output.WriteLine($"mean loss of steps 0-4: {first:F4}; of steps 90-99: {last:F4}");
        Assert.True(last < 0.6 * first, $"loss went from {first:F4} to {last:F4}");

        // The trained network finds the boundary on a fresh image: predicted probability is higher on
        // boundary pixels than off them.
        var (image, truth) = SyntheticBoundaries.Make(seed: 99, 1, 32, 32);
        using var x = image.AsTensor().unsqueeze(0);
        using var p = model.Predict(x);
        using var t = truth.AsTensor().unsqueeze(0);
        double onBoundary = (p * t).sum().item<float>() / t.sum().item<float>();
        double offBoundary = (p * (1 - t)).sum().item<float>() / (1 - t).sum().item<float>();
        output.WriteLine($"mean probability on boundary {onBoundary:F3}, off boundary {offBoundary:F3}");
        Assert.True(onBoundary > offBoundary + 0.2);
    }

    [Fact]
    public void InterruptedRunResumesToTheSameWeights()
    {
        var data = Data();
        var options = new UnetTrainingOptions { PatchSize = [16, 16], BatchSize = 2, Steps = 6, Seed = 7, CheckpointEvery = 3 };

        using var straight = new UNet(TinyConfig, seed: 1, device: CPU);
        var full = new UnetTrainer(straight, options with { CheckpointDirectory = Path.Combine(folder, "straight") }).Train(data);

        // Stop after step 4: the checkpoint at step 3 is the resume point, step 4 is lost and redone.
        string dir = Path.Combine(folder, "interrupted");
        using var interrupted = new UNet(TinyConfig, seed: 1, device: CPU);
        using var cts = new CancellationTokenSource();
        var stopAt4 = new SyncProgress(u => { if (u.Completed == 4) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() =>
            new UnetTrainer(interrupted, options with { CheckpointDirectory = dir }).Train(data, stopAt4, cts.Token));
        Assert.EndsWith("step-00000003", UnetCheckpoint.FindLatest(dir));

        using var resumed = new UNet(TinyConfig, seed: 2, device: CPU); // different init: must be overwritten
        var rest = new UnetTrainer(resumed, options with { CheckpointDirectory = dir, Resume = true }).Train(data);
        Assert.Equal(3, rest.StartStep);
        Assert.Equal(full.Losses, rest.Losses);

        var expected = straight.state_dict();
        var actual = resumed.state_dict();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
        {
            using var difference = (tensor.to_type(ScalarType.Float64) - actual[name].to_type(ScalarType.Float64)).abs().max();
            Assert.True(difference.item<double>() <= 1e-6, $"{name} differs by {difference.item<double>()}");
        }
    }

    [Fact]
    public void CheckpointsArePrunedAndReloadable()
    {
        string dir = Path.Combine(folder, "ckpt");
        Directory.CreateDirectory(Path.Combine(dir, ".step-00000002.0123abcd.tmp")); // left by a killed run
        using var model = new UNet(TinyConfig with { Normalization = UNetNormalization.Group, Groups = 2 }, seed: 4, device: CPU);
        var options = new UnetTrainingOptions { PatchSize = [16, 16], BatchSize = 1, Steps = 5, CheckpointEvery = 2, KeepCheckpoints = 2, CheckpointDirectory = dir };
        var result = new UnetTrainer(model, options).Train(Data(depth: 1, size: 20));
        // Checkpoints at 2, 4 and the final 5; the oldest is pruned; no temporary folders remain.
        Assert.Equal(new[] { "step-00000004", "step-00000005" }, Directory.GetDirectories(dir).Select(Path.GetFileName).Order());
        Assert.Equal(Path.Combine(dir, "step-00000005"), result.LastCheckpoint);

        using var loaded = UnetCheckpoint.LoadModel(result.LastCheckpoint!, CPU);
        Assert.Equal(model.Config, loaded.Config);
        using var x = randn(1, 1, 16, 16);
        using var a = model.Predict(x);
        using var b = loaded.Predict(x);
        Assert.True(TensorAssert.Same(a, b));

        // Resuming with another architecture or seed is refused with the checkpoint named.
        using var other = new UNet(TinyConfig, device: CPU);
        var e = Assert.Throws<NeuroLensException>(() => new UnetTrainer(other, options with { Steps = 6, Resume = true }).Train(Data(depth: 1, size: 20)));
        Assert.Contains("config.json", e.Message);
        var e2 = Assert.Throws<NeuroLensException>(() => new UnetTrainer(model, options with { Steps = 6, Resume = true, Seed = 1 }).Train(Data(depth: 1, size: 20)));
        Assert.Contains("seed", e2.Message);
    }

    [Fact]
    public void SaveModelWritesConfigBesideWeights()
    {
        using var model = new UNet(TinyConfig with { OutChannels = 2 }, seed: 3, device: CPU);
        string path = Path.Combine(folder, "export");
        UnetCheckpoint.SaveModel(model, path);
        Assert.True(File.Exists(Path.Combine(path, UnetCheckpoint.ConfigFile)));
        Assert.True(File.Exists(Path.Combine(path, UnetCheckpoint.WeightsFile)));
        Assert.Empty(Directory.GetDirectories(folder, ".*"));
        using var loaded = UnetCheckpoint.LoadModel(path, CPU);
        Assert.Equal(2, loaded.Config.OutChannels);
        foreach (var (name, tensor) in model.state_dict())
            Assert.True(tensor.allclose(loaded.state_dict()[name], rtol: 0, atol: 0), name);
        File.WriteAllText(Path.Combine(path, UnetCheckpoint.WeightsFile), "not weights");
        Assert.ThrowsAny<NeuroLensException>(() => UnetCheckpoint.LoadModel(path, CPU));
    }

    [Fact]
    public void TrainingStepsDoNotLeakTensors()
    {
        using var model = new UNet(TinyConfig, seed: 1, device: CPU);
        var live = new Dictionary<long, long>();
        var record = new SyncProgress(u => live[u.Completed] = DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        new UnetTrainer(model, new UnetTrainingOptions { PatchSize = [16, 16], BatchSize = 2, Steps = 12 }).Train(Data(), record);
        output.WriteLine($"live tensors after steps 2, 6, 12: {live[2]}, {live[6]}, {live[12]}");
        Assert.Equal(live[2], live[12]);
    }

    [Fact]
    public void ThreeDimensionalNetworkTrainsOnVolumePatches()
    {
        var config = new UNetConfig { Dimensions = 3, Depth = 2, BaseWidth = 2, InPlaneOnlyLevels = 1, Normalization = UNetNormalization.Instance };
        using var model = new UNet(config, seed: 1, device: CPU);
        var before = model.parameters().Select(p => p.clone()).ToArray();
        var options = new UnetTrainingOptions { PatchSize = [4, 8, 12], BatchSize = 2, Steps = 3, Seed = 2 };
        var result = new UnetTrainer(model, options).Train(Data(depth: 6, size: 20));
        Assert.All(result.Losses, l => Assert.True(double.IsFinite(l)));
        Assert.Contains(model.parameters().Zip(before), t => !TensorAssert.Same(t.First, t.Second));
        // A 3D network does not train on 2D images.
        Assert.Throws<NeuroLensException>(() => new UnetTrainer(model, options).Train(Data(depth: 1, size: 20)));
    }

    [Fact]
    public void RejectsDataThatDoesNotFitTheNetwork()
    {
        using var model = new UNet(TinyConfig, device: CPU);
        var trainer = new UnetTrainer(model, new UnetTrainingOptions { PatchSize = [32, 32], Steps = 1 });
        var small = Data(depth: 1, size: 20);
        Assert.Contains("smaller than the patch", Assert.Throws<NeuroLensException>(() => trainer.Train(small)).Message);
        var (image, _) = SyntheticBoundaries.Make(1, 1, 40, 40);
        var mismatch = new UnetTrainingPair(image, new Volume<float>(1, 40, 40, channels: 2));
        Assert.Contains("channels", Assert.Throws<NeuroLensException>(() => trainer.Train([mismatch])).Message);
        using var affinities = new UNet(TinyConfig with { OutChannels = 2 }, device: CPU);
        var pairs = new[] { new UnetTrainingPair(image, new Volume<float>(1, 40, 40, channels: 2)) };
        var options = new UnetTrainingOptions { PatchSize = [32, 32], Steps = 1, BatchSize = 2 };
        Assert.Contains("Augment", Assert.Throws<NeuroLensException>(() => new UnetTrainer(affinities, options).Train(pairs)).Message);
        Assert.Equal(1, new UnetTrainer(affinities, options with { Augment = false }).Train(pairs).Steps);
        var oddPatch = new UnetTrainer(model, new UnetTrainingOptions { PatchSize = [30, 32], Steps = 1 });
        Assert.Contains("multiples", Assert.Throws<NeuroLensException>(() => oddPatch.Train(Data(size: 40))).Message);
    }
}
