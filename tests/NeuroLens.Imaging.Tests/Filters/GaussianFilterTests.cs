using NeuroLens.Core;
using NeuroLens.Imaging.Filters;

namespace NeuroLens.Imaging.Tests.Filters;

public class GaussianFilterTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("img2d", "gauss2d_s1.5")]
    [InlineData("img2d", "gauss2d_aniso")]
    [InlineData("img2d", "gauss2d_s5")]
    [InlineData("vol3d", "gauss3d_s1.5")]
    [InlineData("vol3d", "gauss3d_aniso")]
    public void SmoothMatchesScipy(string input, string expected)
    {
        var image = FilterFixtures.Volume(input);
        var sigma = FilterFixtures.Doubles(expected, "sigma");
        var result = GaussianFilter.Smooth(image, sigma);
        FilterFixtures.AssertClose(FilterFixtures.Data(expected), result.Data, Tolerance);
    }

    [Theory]
    [InlineData("vol3d", "deriv3d_012")]
    [InlineData("img2d", "deriv2d_11")]
    public void DerivativeMatchesScipy(string input, string expected)
    {
        var image = FilterFixtures.Volume(input);
        var order = FilterFixtures.Doubles(expected, "order").Select(o => (int)o).ToArray();
        var result = GaussianFilter.Derivative(image, FilterFixtures.Doubles(expected, "sigma"), order);
        FilterFixtures.AssertClose(FilterFixtures.Data(expected), result.Data, Tolerance);
    }

    [Theory]
    [InlineData("img2d", "log2d_s1.5")]
    [InlineData("vol3d", "log3d_s1.2")]
    public void LaplacianMatchesScipy(string input, string expected)
    {
        var sigma = FilterFixtures.Entry(expected).GetProperty("sigma").GetDouble();
        var result = LaplacianOfGaussian.Compute(FilterFixtures.Volume(input), sigma);
        FilterFixtures.AssertClose(FilterFixtures.Data(expected), result.Data, Tolerance);
    }

    [Theory]
    [InlineData("img2d", "ggm2d_s1.5")]
    [InlineData("vol3d", "ggm3d_s1.2")]
    public void GradientMagnitudeMatchesScipy(string input, string expected)
    {
        var sigma = FilterFixtures.Entry(expected).GetProperty("sigma").GetDouble();
        var result = GaussianGradientMagnitude.Compute(FilterFixtures.Volume(input), sigma);
        FilterFixtures.AssertClose(FilterFixtures.Data(expected), result.Data, Tolerance);
    }

    [Fact]
    public void KernelFollowsScipyRadiusAndNormalisation()
    {
        Assert.Equal(6, GaussianKernel.Radius(1.5)); // ⌊4·1.5 + 0.5⌋
        Assert.Equal(8, GaussianKernel.Radius(2.0));
        var k = GaussianKernel.Create(1.5);
        Assert.Equal(13, k.Length);
        Assert.Equal(1.0, k.Sum(), 12);
        var d1 = GaussianKernel.Create(1.5, 1);
        Assert.True(d1[0] > 0 && d1[^1] < 0); // −x/σ²·g: positive at negative offsets
        Assert.Equal(0.0, d1.Sum(), 12);
    }

    [Fact]
    public void ByteInputAndMultipleChannelsAreFilteredIndependently()
    {
        var image = new Volume<byte>(1, 9, 10, channels: 2);
        image[0, 4, 5, 1] = 200;
        var result = GaussianFilter.Smooth(image, 1.0);
        Assert.All(result.Channel(0).ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(200.0, result.Channel(1).ToArray().Sum(), 3); // 'reflect' conserves mass away from the edge
        Assert.Equal(result[0, 4, 4, 1], result[0, 4, 6, 1], 5);
    }

    [Fact]
    public void ZeroSigmaLeavesAxisUntouchedAndReflectMirrorsEdgeVoxel()
    {
        var image = new Volume<float>(3, 1, 4, 1, 3);
        for (int z = 0; z < 3; z++)
            for (int x = 0; x < 4; x++) image[z, 0, x] = 10 * z + x;
        var result = GaussianFilter.Smooth(image, [0.0, 0.0, 0.7]);
        for (int z = 0; z < 3; z++)
        {
            // A ramp stays a ramp in the interior; at the edge 'reflect' (a | a b c d) pulls towards the edge value.
            Assert.Equal(10 * z + 1.5, 0.5 * (result[z, 0, 1] + result[z, 0, 2]), 4);
            Assert.True(result[z, 0, 0] > 10 * z && result[z, 0, 0] < 10 * z + 0.5);
        }
    }

    [Fact]
    public void PhysicalSigmaAndDerivativesUseVoxelSize()
    {
        var image = new Volume<float>(1, 20, 40) { VoxelSize = [1, 1, 2] };
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 40; x++) image[0, y, x] = 3 * x; // 1.5 per physical unit along x
        var physical = GaussianFilter.Derivative(image, 2.0, [0, 1], physicalUnits: true);
        // σ is 1 voxel along x; scipy's sampled (not moment-normalised) derivative kernel is within 1e-4 on a ramp.
        Assert.Equal(1.5, physical[0, 10, 20], 3);
        var voxels = GaussianFilter.Smooth(image, [2.0, 1.0]);
        var same = GaussianFilter.Smooth(image, 2.0, physicalUnits: true);
        FilterFixtures.AssertClose(voxels.Data.Select(v => (double)v).ToArray(), same.Data, 1e-6);
    }

    [Fact]
    public void BadArgumentsGiveOneLineErrors()
    {
        var image = new Volume<float>(1, 5, 5);
        Assert.Throws<NeuroLensException>(() => GaussianFilter.Smooth(image, [1.0, 1.0, 1.0]));
        Assert.Throws<NeuroLensException>(() => GaussianFilter.Smooth(image, -1.0));
        Assert.Throws<NeuroLensException>(() => GaussianFilter.Derivative(image, [0.0, 1.0], [1, 0]));
        Assert.Throws<NeuroLensException>(() => GaussianFilter.Derivative(image, 1.0, [3, 0]));
    }
}
