using NeuroLens.Core.Statistics;

namespace NeuroLens.Core.Tests.Statistics;

public class MantelTests
{
    [Fact]
    public void PearsonOfTheUpperTrianglesByHand()
    {
        // Upper triangles (1, 2, 3) and (2, 4, 5): Σdxdy = 3, Σdx² = 2, Σdy² = 42/9, so r = 9/√84.
        double[,] a = { { 0, 1, 2 }, { 1, 0, 3 }, { 2, 3, 0 } };
        double[,] b = { { 0, 2, 4 }, { 9, 0, 5 }, { 9, 9, 0 } }; // lower triangle and diagonal are not read
        var (r, p) = Mantel.Test(a, b, permutations: 99, seed: 0);
        Assert.Equal(9 / Math.Sqrt(84), r, 1e-12);
        Assert.InRange(p, 0.01, 1.0);
    }

    [Fact]
    public void PValueOfFourPointsOnALineIsAboutOneTwelfth()
    {
        // Distances |i − j| of 4 points on a line against themselves: r = 1, and of the 24 relabellings only the
        // identity and the reversal keep every distance, so P(r_perm ≥ r) = 1/12; p ≈ (1 + 999/12)/1000 = 0.084.
        var line = new double[4, 4];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) line[i, j] = Math.Abs(i - j);
        var (r, p) = Mantel.Test(line, line, permutations: 999, seed: 3);
        Assert.Equal(1.0, r, 12);
        Assert.InRange(p, 0.084 - 0.03, 0.084 + 0.03); // ±3.5 binomial standard deviations
    }

    [Fact]
    public void MismatchedMatricesAreRefused()
    {
        Assert.Throws<NeuroLensException>(() => Mantel.Test(new double[3, 3], new double[4, 4], 9, 0));
        Assert.Throws<NeuroLensException>(() => Mantel.Test(new double[2, 2], new double[2, 2], 9, 0));
    }
}
