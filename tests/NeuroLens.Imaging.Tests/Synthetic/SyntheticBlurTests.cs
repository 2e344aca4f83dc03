using NeuroLens.Imaging.Synthetic;

namespace NeuroLens.Imaging.Tests.Synthetic;

public class SyntheticBlurTests
{
    [Fact]
    public void ImpulseSpreadsWithTheGivenSigmaAndKeepsItsMass()
    {
        const int n = 41;
        var data = new float[n * n];
        data[20 * n + 20] = 1;
        SyntheticBlur.Blur(data, 1, n, n, 0, 2.0, 1.0);
        double mass = 0, varY = 0, varX = 0;
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double v = data[y * n + x];
                mass += v;
                varY += v * (y - 20) * (y - 20);
                varX += v * (x - 20) * (x - 20);
            }
        Assert.Equal(1, mass, 5);
        // The kernel is truncated at 3σ, which trims about 3 % of the variance.
        Assert.InRange(varY, 4 * 0.95, 4 * 1.0);
        Assert.InRange(varX, 1 * 0.95, 1 * 1.0);
    }

    [Fact]
    public void ConstantStaysConstantAtBordersAndZIsBlurredIn3D()
    {
        var flat = Enumerable.Repeat(0.7f, 3 * 8 * 8).ToArray();
        SyntheticBlur.Blur(flat, 3, 8, 8, 1, 1, 1);
        Assert.All(flat, v => Assert.Equal(0.7f, v, 5));

        var slab = new float[5 * 4 * 4];
        for (int i = 2 * 16; i < 3 * 16; i++) slab[i] = 1;
        SyntheticBlur.Blur(slab, 5, 4, 4, 1, 0, 0);
        Assert.True(slab[0] > 0 && slab[2 * 16] < 1);
        Assert.Equal(slab[16], slab[3 * 16], 6);
    }
}
