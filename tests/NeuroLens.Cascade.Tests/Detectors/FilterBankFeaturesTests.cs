using NeuroLens.Cascade.Detectors;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Filters;

namespace NeuroLens.Cascade.Tests.Detectors;

public class FilterBankFeaturesTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ChunkFeaturesEqualWholeImageFeaturesInsideTheChunk(int dims)
    {
        var rng = new Random(dims);
        var image = dims == 2 ? new Volume<float>(1, 48, 48, 1, 2) : new Volume<float>(32, 32, 32, 1, 3);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = (float)rng.NextDouble();
        double[] scales = [1.0, 2.0];
        var chunk = dims == 2 ? new Box(0, 16, 16, 1, 8, 8) : new Box(12, 12, 12, 8, 8, 8);

        var features = FilterBankFeatures.Compute(image, chunk, scales);
        Assert.Equal(1 + 2 * (4 + 2 * dims), features.Channels);
        Assert.Equal(FilterBankFeatures.Count(scales, dims), features.Channels);

        // The halo (4σ + 1) makes the chunk's features those of the whole image, up to kernel truncation.
        var whole = new[] { GaussianFilter.Smooth(image, 2.0), HessianOfGaussianEigenvalues.Compute(image, 2.0) };
        int[] channels = [1 + (4 + 2 * dims), 1 + (4 + 2 * dims) + 4 + dims]; // σ = 2: Gaussian, first Hessian eigenvalue
        for (int f = 0; f < 2; f++)
        {
            var expected = whole[f].Crop(chunk).Channel(0).ToArray();
            var actual = features.Channel(channels[f]).ToArray();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 3);
        }
        // The raw channel is the image.
        Assert.Equal(image.Crop(chunk).Data, features.Channel(0).ToArray());
    }
}

public class FilterBankBatchTests
{
    [Fact]
    public void BatchedFeaturesMatchPerChunkFeatures()
    {
        var rng = new Random(7);
        var image = new Volume<float>(1, 150, 150, 1, 2);
        for (int i = 0; i < image.Data.Length; i++) image.Data[i] = (float)rng.NextDouble();
        // Three chunks sharing a block, one alone, one partial at the border.
        Box[] chunks = [new(0, 0, 0, 1, 16, 16), new(0, 16, 32, 1, 16, 16), new(0, 32, 0, 1, 16, 16), new(0, 80, 96, 1, 16, 16), new(0, 144, 144, 1, 6, 6)];
        double[] scales = [1.0, 2.0];
        var batched = FilterBankFeatures.ComputeMany(image, chunks, scales);
        for (int c = 0; c < chunks.Length; c++)
        {
            var single = FilterBankFeatures.Compute(image, chunks[c], scales);
            Assert.Equal(single.Channels, batched[c].Channels);
            Assert.Equal(single.Shape, batched[c].Shape);
            for (int i = 0; i < single.Data.Length; i++) Assert.Equal(single.Data[i], batched[c].Data[i], 3);
        }
    }
}
