using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Imaging.Unet;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Tests.Unet;

public class TiledInferenceTests(ITestOutputHelper output)
{
    static TiledInferenceTests() => TorchThreads.UseOne();

    private static Volume<float> RandomImage(int seed, int depth, int height, int width, int dimensions = 2, int channels = 1)
    {
        var random = new Random(seed);
        var v = new Volume<float>(depth, height, width, channels, dimensions);
        for (int i = 0; i < v.Data.Length; i++) v.Data[i] = (float)random.NextDouble();
        return v;
    }

    private static double MaxDifference(Tensor a, Tensor b)
    {
        using var d = (a - b).abs().max();
        return d.item<float>();
    }

    [Fact]
    public void LargeOverlapWithHaloReproducesTheUntiledPassInTheInterior()
    {
        // Depth 1: each output sees at most 2 + 2·2 + 2 = 8 px (+1 for pooling alignment) of context each way.
        using var model = new UNet(new UNetConfig { Depth = 1, BaseWidth = 4, Normalization = UNetNormalization.None }, seed: 1, device: CPU);
        var image = RandomImage(1, 1, 64, 64);
        using var input = image.AsTensor().unsqueeze(0);
        using var full = model.Predict(input);
        // Compare where the untiled pass itself saw no zero padding.
        using var fullInterior = full[0, 0].narrow(0, 10, 44).narrow(1, 10, 44);

        double Error(int overlap, int halo)
        {
            var tiled = TiledInference.Predict(model, image, new TilingOptions { TileSize = [32, 32], Overlap = [overlap, overlap], Halo = [halo, halo], BatchSize = 3 });
            using var t = tiled.AsTensor();
            using var interior = t[0].narrow(0, 10, 44).narrow(1, 10, 44);
            return MaxDifference(interior, fullInterior);
        }
        double exact = Error(24, 10), blended = Error(24, 0), none = Error(0, 0);
        output.WriteLine($"max |tiled - untiled| in the interior, tile 32: overlap 24 halo 10: {exact:E2}; overlap 24 halo 0: {blended:E2}; no overlap: {none:E2}");
        Assert.True(exact < 1e-5, $"overlap 24, halo 10: error {exact}");
        Assert.True(blended < none, $"blending ({blended}) should beat no overlap ({none})");
        Assert.True(none > 1e-3, $"no-overlap tiling should differ at tile seams ({none})");
    }

    [Fact]
    public void TileOfTheWholeImageEqualsTheUntiledPass()
    {
        // One tile covering the image with no overlap and no margin is exactly the single pass.
        using var model = new UNet(new UNetConfig { Depth = 2, BaseWidth = 4 }, seed: 2, device: CPU);
        var image = RandomImage(2, 1, 32, 32);
        using var input = image.AsTensor().unsqueeze(0);
        using var full = model.Predict(input);
        var tiled = TiledInference.Predict(model, image, new TilingOptions { TileSize = [32, 32], Overlap = [0, 0] });
        using var t = tiled.AsTensor().unsqueeze(0);
        Assert.True(MaxDifference(t, full) < 1e-6);
    }

    [Theory]
    [InlineData(37, 53)]
    [InlineData(10, 7)]
    [InlineData(1, 65)]
    public void AnyImageSizeGivesSameSizedProbabilities(int height, int width)
    {
        using var model = new UNet(new UNetConfig { Depth = 2, BaseWidth = 4, InChannels = 2, OutChannels = 2 }, seed: 3, device: CPU);
        var image = RandomImage(3, 1, height, width, channels: 2);
        var updates = new List<ProgressUpdate>();
        var result = TiledInference.Predict(model, image, new TilingOptions { TileSize = [16, 16], Overlap = [4, 4] }, new SyncProgress(updates.Add));
        Assert.Equal(new[] { height, width }, result.Shape);
        Assert.Equal(2, result.Channels);
        Assert.All(result.Data, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(updates[^1].Total, updates[^1].Completed);
    }

    [Fact]
    public void ThreeDimensionalNetworkTilesVolumes()
    {
        var config = new UNetConfig { Dimensions = 3, Depth = 2, BaseWidth = 2, OutChannels = 3, InPlaneOnlyLevels = 1 };
        using var model = new UNet(config, seed: 4, device: CPU);
        var volume = RandomImage(4, 5, 19, 23, dimensions: 3);
        var result = TiledInference.Predict(model, volume, new TilingOptions { TileSize = [4, 8, 8], Overlap = [2, 4, 4] });
        Assert.Equal(new[] { 5, 19, 23 }, result.Shape);
        Assert.Equal(3, result.Channels);

        // With the whole (multiple-sized) volume as one tile, tiling is the single pass.
        var exact = RandomImage(5, 4, 8, 12, dimensions: 3);
        var tiled = TiledInference.Predict(model, exact, new TilingOptions { TileSize = [4, 8, 12], Overlap = [0, 0, 0] });
        using var input = exact.AsTensor().unsqueeze(0);
        using var full = model.Predict(input);
        using var t = tiled.AsTensor().unsqueeze(0);
        Assert.True(MaxDifference(t, full) < 1e-6);
    }

    [Fact]
    public void TwoDimensionalNetworkPredictsEachSectionOfAVolume()
    {
        using var model = new UNet(new UNetConfig { Depth = 1, BaseWidth = 4 }, seed: 5, device: CPU);
        var volume = RandomImage(6, 3, 20, 20, dimensions: 3);
        var options = new TilingOptions { TileSize = [16, 16], Overlap = [8, 8] };
        var result = TiledInference.Predict(model, volume, options);
        Assert.Equal(3, result.Dimensions);
        var section = volume.Crop(new Box(1, 0, 0, 1, 20, 20));
        var alone = TiledInference.Predict(model, new Volume<float>(section.Data, 1, 20, 20), options);
        Assert.Equal(alone.Data, result.Crop(new Box(1, 0, 0, 1, 20, 20)).Data);
    }

    [Fact]
    public void PredictionLeavesNoLiveTensors()
    {
        using var model = new UNet(new UNetConfig { Depth = 1, BaseWidth = 2 }, seed: 6, device: CPU);
        var volume = RandomImage(7, 2, 24, 24, dimensions: 3);
        var options = new TilingOptions { TileSize = [16, 16], Overlap = [8, 8], BatchSize = 2 };
        TiledInference.Predict(model, volume, options);
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        TiledInference.Predict(model, volume, options);
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void ReflectionIndexMirrorsWithoutRepeatingTheEdge()
    {
        Assert.Equal(new long[] { 2, 1, 0, 1, 2, 3, 2, 1, 0 }, TiledInference.ReflectIndex(4, 2, 9));
        Assert.Equal(new long[] { 1, 0, 1, 0, 1, 0, 1 }, TiledInference.ReflectIndex(2, 3, 7));
        Assert.Equal(new long[] { 0, 0, 0 }, TiledInference.ReflectIndex(1, 1, 3));
    }

    [Fact]
    public void WindowRampsOfNeighbouringTilesSumToOne()
    {
        foreach (int halo in new[] { 0, 1, 3 })
        {
            using var w = TiledInference.Window(16, 6, halo);
            var v = w.data<float>().ToArray();
            Assert.All(v.Skip(halo).SkipLast(halo), x => Assert.InRange(x, 1e-3f, 1f));
            Assert.All(v.Take(halo).Concat(v.TakeLast(halo)), x => Assert.Equal(0f, x));
            Assert.Equal(1f, v[8]);
            for (int j = 0; j < 6; j++) Assert.Equal(1.0, v[10 + j] + v[j], 5); // neighbour starts 10 further on
        }
    }

    [Fact]
    public void RejectsBadOptions()
    {
        using var model = new UNet(new UNetConfig { Depth = 2, BaseWidth = 2 }, device: CPU);
        var image = RandomImage(1, 1, 16, 16);
        Assert.Equal(new[] { 16, 16 }, TiledInference.Predict(model, image).Shape); // defaults: one 128² tile
        Assert.Throws<NeuroLensException>(() => TiledInference.Predict(model, image, new TilingOptions { TileSize = [10, 16] }));
        Assert.Throws<NeuroLensException>(() => TiledInference.Predict(model, image, new TilingOptions { TileSize = [16, 16], Overlap = [16, 0] }));
        Assert.Throws<NeuroLensException>(() => TiledInference.Predict(model, image, new TilingOptions { TileSize = [16, 16], Halo = [1] }));
        Assert.Throws<NeuroLensException>(() => TiledInference.Predict(model, RandomImage(1, 1, 16, 16, channels: 2)));
    }

    private sealed class SyncProgress(Action<ProgressUpdate> onReport) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => onReport(value);
    }
}
