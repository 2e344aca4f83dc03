using NeuroLens.Core;
using NeuroLens.Imaging.Unet;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Tests.Unet;

public class UNetTests
{
    static UNetTests() => TorchThreads.UseOne();

    [Theory]
    [InlineData(0, 8, 8, UNetNormalization.None)]
    [InlineData(1, 12, 20, UNetNormalization.Batch)]
    [InlineData(2, 16, 8, UNetNormalization.Group)]
    [InlineData(3, 24, 32, UNetNormalization.Instance)]
    public void OutputHasInputSpatialShape2D(int depth, int height, int width, UNetNormalization norm)
    {
        using var net = new UNet(new UNetConfig { Depth = depth, BaseWidth = 4, InChannels = 2, OutChannels = 3, Normalization = norm, Groups = 2 }, device: CPU);
        using var x = randn(2, 2, height, width);
        using var y = net.call(x);
        Assert.Equal(new long[] { 2, 3, height, width }, y.shape);
    }

    [Fact]
    public void OutputHasInputSpatialShape3DWithAnisotropicPooling()
    {
        var config = new UNetConfig { Dimensions = 3, Depth = 2, BaseWidth = 2, OutChannels = 3, InPlaneOnlyLevels = 1 };
        Assert.Equal(new[] { 2, 4, 4 }, config.SizeMultiple());
        using var net = new UNet(config, device: CPU);
        using var x = randn([1, 1, 6, 8, 12]);
        using var y = net.call(x);
        Assert.Equal(new long[] { 1, 3, 6, 8, 12 }, y.shape);
        using var b = net.Bottleneck(x);
        Assert.Equal(new long[] { 1, 8, 3, 2, 3 }, b.shape);
    }

    [Theory]
    [InlineData(1, 4, 16)]
    [InlineData(3, 2, 32)]
    public void BottleneckHasDoubledChannelsAndReducedSize(int depth, int baseWidth, int size)
    {
        using var net = new UNet(new UNetConfig { Depth = depth, BaseWidth = baseWidth }, device: CPU);
        using var x = randn(3, 1, size, size + (1 << depth));
        using var b = net.Bottleneck(x);
        long channels = baseWidth << depth;
        Assert.Equal(new long[] { 3, channels, size >> depth, (size >> depth) + 1 }, b.shape);

        using var pooled = net.GlobalMaxPooledBottleneck(x);
        Assert.Equal(new long[] { 3, channels }, pooled.shape);
        using var expected = b.flatten(2).max(2).values;
        Assert.True(TensorAssert.Same(pooled, expected));
    }

    [Fact]
    public void RejectsSizesThatAreNotMultiplesOfTheDownsampling()
    {
        using var net = new UNet(new UNetConfig { Depth = 2, BaseWidth = 2 }, device: CPU);
        using var x = randn(1, 1, 10, 16);
        var e = Assert.Throws<NeuroLensException>(() => net.call(x));
        Assert.Contains("multiple of [4, 4]", e.Message);
        using var wrongChannels = randn(1, 2, 16, 16);
        Assert.Throws<NeuroLensException>(() => net.call(wrongChannels));
    }

    [Fact]
    public void SameSeedGivesSameWeightsAndDifferentSeedDifferent()
    {
        var config = new UNetConfig { Depth = 1, BaseWidth = 2 };
        using var a = new UNet(config, seed: 5, device: CPU);
        using var b = new UNet(config, seed: 5, device: CPU);
        using var c = new UNet(config, seed: 6, device: CPU);
        var pa = a.parameters().ToArray();
        var pb = b.parameters().ToArray();
        var pc = c.parameters().ToArray();
        Assert.All(pa.Zip(pb), t => Assert.True(TensorAssert.Same(t.First, t.Second)));
        Assert.Contains(pa.Zip(pc), t => !TensorAssert.Same(t.First, t.Second));
    }

    [Fact]
    public void ParameterNamesFollowTheLevels()
    {
        using var net = new UNet(new UNetConfig { Depth = 2, BaseWidth = 2 }, device: CPU);
        var names = net.state_dict().Keys.ToHashSet();
        Assert.Contains("encoders.0.conv1.weight", names);
        Assert.Contains("encoders.1.norm2.running_mean", names);
        Assert.Contains("bottleneck.conv2.weight", names);
        Assert.Contains("upsamplers.1.weight", names);
        Assert.Contains("decoders.0.conv1.weight", names);
        Assert.Contains("head.bias", names);
    }

    [Fact]
    public void PredictGivesProbabilitiesAndKeepsTrainingMode()
    {
        using var net = new UNet(new UNetConfig { Depth = 1, BaseWidth = 2 }, device: CPU);
        net.train();
        using var x = randn(1, 1, 8, 8);
        using var p = net.Predict(x);
        Assert.True(net.training);
        Assert.True(p.min().item<float>() >= 0 && p.max().item<float>() <= 1);
        Assert.False(p.requires_grad);
    }

    [Fact]
    public void ConfigRoundTripsThroughJsonAndValidates()
    {
        var config = new UNetConfig { Dimensions = 3, Depth = 2, BaseWidth = 8, OutChannels = 3, Normalization = UNetNormalization.Group, Groups = 4, InPlaneOnlyLevels = 1 };
        string json = config.ToJson();
        Assert.Contains("\"normalization\": \"group\"", json);
        Assert.Equal(config, UNetConfig.FromJson(json));
        Assert.Throws<NeuroLensException>(() => new UNetConfig { Dimensions = 2, InPlaneOnlyLevels = 1 }.Validate());
        Assert.Throws<NeuroLensException>(() => new UNetConfig { Normalization = UNetNormalization.Group, BaseWidth = 6, Groups = 4 }.Validate());
        Assert.Throws<NeuroLensException>(() => UNetConfig.FromJson("{\"depth\": -1}"));
        Assert.Throws<NeuroLensException>(() => UNetConfig.FromJson("[1, 2"));
    }
}
