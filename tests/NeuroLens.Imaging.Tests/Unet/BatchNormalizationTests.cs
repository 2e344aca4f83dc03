using NeuroLens.Imaging.Unet;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Tests.Unet;

public class BatchNormalizationTests
{
    static BatchNormalizationTests() => TorchThreads.UseOne();

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void MatchesTorchSharpsBatchNormInOutputGradientsAndRunningStatistics(int dimensions)
    {
        const int channels = 3;
        using var ours = new BatchNormalization(channels, dimensions);
        using var theirs = dimensions == 2 ? (nn.Module<Tensor, Tensor>)nn.BatchNorm2d(channels) : nn.BatchNorm3d(channels);
        Assert.Equal(theirs.state_dict().Keys, ours.state_dict().Keys);
        using var generator = new Generator(11, CPU);
        using (no_grad())
        {
            // Non-trivial affine parameters, the same in both.
            foreach (var (name, p) in theirs.named_parameters())
            {
                using var values = randn(p.shape, generator: generator);
                p.copy_(values);
                ours.get_parameter(name)!.copy_(values);
            }
        }
        long[] shape = dimensions == 2 ? [4, channels, 5, 6] : [2, channels, 3, 4, 5];
        ours.train();
        theirs.train();
        for (int step = 0; step < 3; step++)
        {
            using var x = randn(shape, generator: generator).mul_(2.0).add_(0.5);
            using var a = ours.call(x);
            using var b = theirs.call(x);
            Assert.True(TensorAssert.Same(a, b), $"training output differs at step {step}");
            using (var la = a.pow(3).sum()) la.backward();
            using (var lb = b.pow(3).sum()) lb.backward();
            foreach (var (name, p) in theirs.named_parameters())
                Assert.True(TensorAssert.Same(ours.get_parameter(name)!.grad!, p.grad!), $"gradient of {name} differs at step {step}");
        }
        var expected = theirs.state_dict();
        foreach (var (name, value) in ours.state_dict())
            Assert.True(TensorAssert.Same(value, expected[name]), $"{name} differs after training");
        Assert.Equal(3L, ours.state_dict()["num_batches_tracked"].item<long>());
        // The running statistics moved away from their initial 0 and 1.
        Assert.True(ours.state_dict()["running_mean"].abs().max().item<float>() > 0.01);

        ours.eval();
        theirs.eval();
        using var y = randn(shape, generator: generator);
        using var ea = ours.call(y);
        using var eb = theirs.call(y);
        Assert.True(TensorAssert.Same(ea, eb), "evaluation output differs");
        Assert.Equal(3L, ours.state_dict()["num_batches_tracked"].item<long>());
    }

    [Fact]
    public void UNetKeepsTheStateNamesOfTorchSharpsBatchNorm()
    {
        using var net = new UNet(new UNetConfig { Depth = 1, BaseWidth = 4, InChannels = 1, OutChannels = 1, Normalization = UNetNormalization.Batch }, device: CPU);
        var names = net.state_dict().Keys.Where(k => k.Contains("norm1", StringComparison.Ordinal)).ToList();
        Assert.Contains(names, n => n.EndsWith("norm1.running_var", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith("norm1.num_batches_tracked", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith("norm1.weight", StringComparison.Ordinal));
    }
}
