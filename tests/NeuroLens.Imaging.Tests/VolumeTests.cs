using NeuroLens.Core;

namespace NeuroLens.Imaging.Tests;

public class VolumeTests
{
    private static Volume<float> Ramp(int d, int h, int w, int c = 1)
    {
        var v = new Volume<float>(d, h, w, c, d == 1 ? 2 : 3);
        for (int i = 0; i < v.Data.Length; i++) v.Data[i] = i;
        return v;
    }

    [Fact]
    public void IndexIsChannelMajorCOrder()
    {
        var v = Ramp(2, 3, 4, 2);
        Assert.Equal(1 * 24 + 1 * 12 + 2 * 4 + 3, v[1, 2, 3, 1]);
        Assert.Equal(new[] { 2, 3, 4 }, v.Shape);
        Assert.Equal(new[] { 3, 4 }, Ramp(1, 3, 4).Shape);
    }

    [Fact]
    public void CropAndPasteRoundTrip()
    {
        var v = Ramp(3, 5, 6, 2);
        var box = new Box(1, 2, 1, 2, 3, 4);
        var crop = v.Crop(box);
        Assert.Equal(v[1, 2, 1, 1], crop[0, 0, 0, 1]);
        Assert.Equal(v[2, 4, 4, 0], crop[1, 2, 3, 0]);
        var target = new Volume<float>(3, 5, 6, 2);
        target.Paste(crop, 1, 2, 1);
        Assert.Equal(v[2, 3, 2, 1], target[2, 3, 2, 1]);
        Assert.Equal(0, target[0, 0, 0, 0]);
    }

    [Fact]
    public void TensorSharesMemoryBothWays()
    {
        var v = Ramp(1, 2, 3);
        using var t = v.AsTensor();
        Assert.Equal(new long[] { 1, 2, 3 }, t.shape);
        v[0, 1, 2] = 42;
        Assert.Equal(42f, t[0, 1, 2].item<float>());
        t[0, 0, 0] = TorchSharp.torch.tensor(-1f);
        Assert.Equal(-1f, v[0, 0, 0]);
        var back = Volume<float>.FromTensor(t);
        Assert.Equal(v.Data, back.Data);
        Assert.Equal(2, back.Dimensions);
    }

    [Fact]
    public void BadExtentsAndCropsAreClearErrors()
    {
        Assert.Throws<NeuroLensException>(() => new Volume<byte>(0, 2, 2));
        Assert.Throws<NeuroLensException>(() => new Volume<byte>(new byte[5], 1, 2, 2));
        Assert.Throws<NeuroLensException>(() => new Volume<byte>(1 << 20, 1 << 20, 1 << 20));
        Assert.Throws<NeuroLensException>(() => Ramp(2, 2, 2).Crop(new Box(0, 0, 0, 3, 1, 1)));
    }

    [Fact]
    public void BoxGrowClipsToBounds()
    {
        var bounds = new Box(0, 0, 0, 1, 10, 10);
        Assert.Equal(new Box(0, 0, 3, 1, 4, 6), new Box(0, 1, 5, 1, 1, 2).Grow(2, bounds, growZ: false));
    }
}
