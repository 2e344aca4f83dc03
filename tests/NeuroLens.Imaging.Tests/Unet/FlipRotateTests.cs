using NeuroLens.Imaging.Unet;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Tests.Unet;

public class FlipRotateTests
{
    [Fact]
    public void QuarterTurnAndFlipsMoveKnownElements()
    {
        // [[1, 2], [3, 4]]
        using var x = tensor(new float[] { 1, 2, 3, 4 }, 1, 2, 2);
        using var turned = new FlipRotate(false, false, false, 1).Apply(x);
        Assert.Equal(new float[] { 2, 4, 1, 3 }, turned.data<float>().ToArray()); // torch.rot90 over (y, x)
        using var flippedX = new FlipRotate(false, false, true, 0).Apply(x);
        Assert.Equal(new float[] { 2, 1, 4, 3 }, flippedX.data<float>().ToArray());
        using var flippedY = new FlipRotate(false, true, false, 0).Apply(x);
        Assert.Equal(new float[] { 3, 4, 1, 2 }, flippedY.data<float>().ToArray());
    }

    [Fact]
    public void FlipTwiceAndFourQuarterTurnsAreIdentity()
    {
        using var x = randn([2, 3, 4, 5, 5]);
        foreach (var flip in new[] { new FlipRotate(true, false, false, 0), new FlipRotate(false, true, false, 0), new FlipRotate(true, true, true, 0) })
        {
            using var once = flip.Apply(x);
            Assert.False(TensorAssert.Same(once, x));
            using var twice = flip.Apply(once);
            Assert.True(TensorAssert.Same(twice, x));
        }
        var turn = new FlipRotate(false, false, false, 1);
        var t = x.alias();
        for (int i = 0; i < 4; i++) { var next = turn.Apply(t); t.Dispose(); t = next; }
        Assert.True(TensorAssert.Same(t, x));
        t.Dispose();
    }

    [Fact]
    public void ImageAndTargetTransformIdentically()
    {
        var random = new Random(3);
        using var image = randn(1, 4, 6, 6);     // [C, D, H, W]
        using var target = image.repeat(2, 1, 1, 1) * 2; // two channels, both 2 × image
        var seen = new HashSet<FlipRotate>();
        for (int i = 0; i < 40; i++)
        {
            var transform = FlipRotate.Sample(random, dimensions: 3);
            seen.Add(transform);
            var (im, tg) = transform.Apply(image, target);
            using (im) using (tg)
            {
                using var expected = im.repeat(2, 1, 1, 1) * 2;
                Assert.True(tg.allclose(expected));
            }
        }
        Assert.True(seen.Count > 10);
        Assert.Contains(seen, s => s.FlipZ);
    }

    [Fact]
    public void NonSquareSamplingKeepsShape()
    {
        var random = new Random(1);
        using var x = randn(1, 4, 6);
        for (int i = 0; i < 20; i++)
        {
            var transform = FlipRotate.Sample(random, 2, squareInPlane: false);
            Assert.False(transform.FlipZ);
            Assert.True(transform.QuarterTurns % 2 == 0);
            using var y = transform.Apply(x);
            Assert.Equal(x.shape, y.shape);
        }
    }
}
