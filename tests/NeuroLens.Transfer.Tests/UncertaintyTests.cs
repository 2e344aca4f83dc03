using NeuroLens.Imaging;

namespace NeuroLens.Transfer.Tests;

public sealed class UncertaintyTests
{
    [Fact]
    public void BinaryEntropyHasItsKnownValuesInBits()
    {
        Assert.Equal(1.0, Uncertainty.BinaryEntropy(0.5), 12);
        Assert.Equal(0.0, Uncertainty.BinaryEntropy(0.0));
        Assert.Equal(0.0, Uncertainty.BinaryEntropy(1.0));
        // H(0.25) = −0.25 log2 0.25 − 0.75 log2 0.75 = 0.5 + 0.311278… = 0.811278…
        Assert.Equal(0.8112781244591328, Uncertainty.BinaryEntropy(0.25), 12);
        Assert.Equal(Uncertainty.BinaryEntropy(0.1), Uncertainty.BinaryEntropy(0.9), 12);
    }

    [Fact]
    public void MeanBinaryEntropyAveragesOverPixels()
    {
        var map = new Volume<float>([0.5f, 0f, 1f, 0.25f], 1, 2, 2);
        Assert.Equal((1 + 0 + 0 + 0.8112781244591328) / 4, Uncertainty.MeanBinaryEntropy(map), 6);
    }
}
