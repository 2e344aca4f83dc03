using NeuroLens.Imaging.Filters;
using TorchSharp;

namespace NeuroLens.Imaging.Tests.Filters;

public class EigenvalueFilterTests
{
    /// <summary>Descending eigenvalues of symmetric matrices [n, d, d] by torch.linalg.eigvalsh (ascending).</summary>
    private static double[,] TorchEigenvalues(double[] matrices, int n, int d)
    {
        using var m = torch.tensor(matrices, [n, d, d], torch.float64);
        using var e = torch.linalg.eigvalsh(m);
        var values = e.data<double>().ToArray();
        var result = new double[n, d];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < d; k++) result[i, k] = values[i * d + d - 1 - k];
        return result;
    }

    [Fact]
    public void ClosedFormsMatchTorchOnRandomAndDegenerateMatrices()
    {
        var rng = new Random(7);
        const int n = 200;
        var m3 = new double[n * 9];
        var m2 = new double[n * 4];
        for (int i = 0; i < n; i++)
        {
            double[] u = Enumerable.Range(0, 6).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
            if (i % 10 == 1) { u[1] = u[2] = u[4] = 0; }              // diagonal
            if (i % 10 == 2) { u = [1, 0, 0, 1, 0, 1]; }               // triple eigenvalue
            if (i % 10 == 3) { u = [2, 1, 0, 2, 0, -1]; }              // exact rational case
            // u = a11, a12, a13, a22, a23, a33
            double[] full = [u[0], u[1], u[2], u[1], u[3], u[4], u[2], u[4], u[5]];
            full.CopyTo(m3, i * 9);
            double[] two = [u[0], u[1], u[1], u[3]];
            two.CopyTo(m2, i * 4);
        }
        var t3 = TorchEigenvalues(m3, n, 3);
        var t2 = TorchEigenvalues(m2, n, 2);
        for (int i = 0; i < n; i++)
        {
            var a = m3.AsSpan(i * 9);
            var (l1, l2, l3) = SymmetricEigenvalues.Of3x3(a[0], a[1], a[2], a[4], a[5], a[8]);
            Assert.Equal(t3[i, 0], l1, 9);
            Assert.Equal(t3[i, 1], l2, 9);
            Assert.Equal(t3[i, 2], l3, 9);
            var (k1, k2) = SymmetricEigenvalues.Of2x2(m2[i * 4], m2[i * 4 + 1], m2[i * 4 + 3]);
            Assert.Equal(t2[i, 0], k1, 9);
            Assert.Equal(t2[i, 1], k2, 9);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void HessianEigenvaluesMatchPerVoxelDecomposition(bool is3D)
    {
        var image = is3D ? FilterFixtures.Volume("vol3d") : FilterFixtures.Volume("img2d");
        const double sigma = 1.2;
        var eig = HessianOfGaussianEigenvalues.Compute(image, sigma);
        int d = image.Dimensions;
        Assert.Equal(d, eig.Channels);
        // The Hessian entries from the public derivative filter, then torch per voxel.
        var entries = new Volume<float>[d, d];
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++)
            {
                var order = new int[d];
                order[a]++;
                order[b]++;
                entries[a, b] = entries[b, a] = GaussianFilter.Derivative(image, sigma, order);
            }
        AssertMatchesTorch(eig, entries, d, voxels: [0, 5, 17, (int)image.VoxelCount / 2, (int)image.VoxelCount - 1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StructureTensorEigenvaluesMatchPerVoxelDecomposition(bool is3D)
    {
        var image = is3D ? FilterFixtures.Volume("vol3d") : FilterFixtures.Volume("img2d");
        const double sigma = 1.0, rho = 1.5;
        var eig = StructureTensorEigenvalues.Compute(image, sigma, rho);
        int d = image.Dimensions;
        var gradient = new Volume<float>[d];
        for (int a = 0; a < d; a++)
        {
            var order = new int[d];
            order[a] = 1;
            gradient[a] = GaussianFilter.Derivative(image, sigma, order);
        }
        var entries = new Volume<float>[d, d];
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++)
            {
                var product = new Volume<float>(image.Depth, image.Height, image.Width, 1, d);
                for (int i = 0; i < product.Data.Length; i++) product.Data[i] = gradient[a].Data[i] * gradient[b].Data[i];
                entries[a, b] = entries[b, a] = GaussianFilter.Smooth(product, rho);
            }
        AssertMatchesTorch(eig, entries, d, voxels: [0, 3, 29, (int)image.VoxelCount / 3, (int)image.VoxelCount - 2]);
        for (int v = 0; v < image.VoxelCount; v++)
            Assert.True(eig.Data[v + (d - 1) * (int)image.VoxelCount] >= -1e-6f); // positive semi-definite
    }

    private static void AssertMatchesTorch(Volume<float> eig, Volume<float>[,] entries, int d, int[] voxels)
    {
        var matrices = new double[voxels.Length * d * d];
        for (int i = 0; i < voxels.Length; i++)
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) matrices[(i * d + a) * d + b] = entries[a, b].Data[voxels[i]];
        var expected = TorchEigenvalues(matrices, voxels.Length, d);
        int count = (int)eig.VoxelCount;
        for (int i = 0; i < voxels.Length; i++)
            for (int k = 0; k < d; k++)
                Assert.Equal(expected[i, k], eig.Data[k * count + voxels[i]], 5);
    }

    [Fact]
    public void HessianOfGaussianBlobAtItsCentreIsAnalytic()
    {
        // I = exp(−x²/2sx² − y²/2sy²); smoothed by σ it is A·exp(−x²/2(sx²+σ²) − y²/2(sy²+σ²)) with
        // A = sx·sy/√((sx²+σ²)(sy²+σ²)), so at the centre the Hessian is diag(−A/(sy²+σ²), −A/(sx²+σ²)).
        const double sx = 4, sy = 2.5, sigma = 2;
        var image = new Volume<float>(1, 61, 61);
        for (int y = 0; y < 61; y++)
            for (int x = 0; x < 61; x++)
                image[0, y, x] = (float)Math.Exp(-(x - 30) * (x - 30) / (2 * sx * sx) - (y - 30) * (y - 30) / (2 * sy * sy));
        var eig = HessianOfGaussianEigenvalues.Compute(image, sigma);
        double vx = sx * sx + sigma * sigma, vy = sy * sy + sigma * sigma, amplitude = sx * sy / Math.Sqrt(vx * vy);
        Assert.Equal(-amplitude / vx, eig[0, 30, 30, 0], 4); // larger variance: the less negative eigenvalue first
        Assert.Equal(-amplitude / vy, eig[0, 30, 30, 1], 4);
    }

    [Fact]
    public void StructureTensorOfRampHasOneNonZeroEigenvalue()
    {
        var image = new Volume<float>(12, 12, 12, 1, 3);
        for (int z = 0; z < 12; z++)
            for (int y = 0; y < 12; y++)
                for (int x = 0; x < 12; x++) image[z, y, x] = 2 * y;
        var eig = StructureTensorEigenvalues.Compute(image, 1.0, 0.5);
        // Interior, away from the mirrored border: gradient (0, 2, 0) up to the sampled kernel's 1e-4.
        Assert.Equal(4.0, eig[6, 6, 6, 0], 2);
        Assert.Equal(0.0, eig[6, 6, 6, 1], 6);
        Assert.Equal(0.0, eig[6, 6, 6, 2], 6);
    }

    [Fact]
    public void DifferenceOfGaussiansUsesIlastikRatioByDefault()
    {
        var image = FilterFixtures.Volume("img2d");
        var dog = DifferenceOfGaussians.Compute(image, 2.0);
        var a = GaussianFilter.Smooth(image, 2.0);
        var b = GaussianFilter.Smooth(image, 1.32);
        for (int i = 0; i < dog.Data.Length; i++) Assert.Equal(a.Data[i] - b.Data[i], dog.Data[i], 6);
    }
}
