using NeuroLens.Emergence.Activations;
using NeuroLens.Emergence.Sae;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Tests.Sae;

public sealed class SaeMetricsTests
{
    public SaeMetricsTests() => TorchThreads.UseOne();

    [Fact]
    public void FvuIsMeasuredAboutTheMeanNotAboutZero()
    {
        // x = 1000 + ε, x̂ = x̄ + ½ (x − x̄): the mean-centred FVU is exactly ¼; about zero it would be ≈ 2.5e-7.
        using var noise = randn([4000, 16], ScalarType.Float64, generator: new Generator(1));
        using var x = noise.add(1000);
        using var mean = x.mean([0], keepdim: true);
        using var xHat = mean.add(x.sub(mean).mul(0.5));
        Assert.Equal(0.25, SaeMetrics.Fvu(x, xHat), 9);
        double aboutZero = x.sub(xHat).pow(2).sum().item<double>() / x.pow(2).sum().item<double>();
        Assert.True(aboutZero < 1e-5);

        // The streaming accumulator (float32 input in chunks) gives the same, despite the offset.
        var accumulator = new SaeMetrics.Accumulator(4);
        using var x32 = x.to_type(ScalarType.Float32);
        using var xHat32 = xHat.to_type(ScalarType.Float32);
        using var codes = zeros([4000, 4]);
        for (int start = 0; start < 4000; start += 1000)
            accumulator.Add(x32.narrow(0, start, 1000), xHat32.narrow(0, start, 1000), codes.narrow(0, start, 1000));
        var quality = accumulator.Result();
        Assert.Equal(0.25, quality.Fvu, 3);
        Assert.Equal(0.75, quality.ExplainedVariance, 3);
    }

    [Fact]
    public void L0DeadFractionAndCosineMatchHandValues()
    {
        // Three tokens, four latents: latent 3 never fires; 2 + 1 + 3 active codes → L0 = 2.
        using var codes = tensor(new float[] { 1, 2, 0, 0, 0, 5, 0, 0, 3, 1, 2, 0 }, [3, 4]);
        using var x = tensor(new float[] { 1, 0, 0, 1, 3, 4 }, [3, 2]);
        // cos = 1, 0, 24/25 for reconstructions (2, 0), (1, 0), (4, 3).
        using var xHat = tensor(new float[] { 2, 0, 1, 0, 4, 3 }, [3, 2]);
        var accumulator = new SaeMetrics.Accumulator(4);
        accumulator.Add(x, xHat, codes);
        var quality = accumulator.Result();
        Assert.Equal(2.0, quality.L0, 12);
        Assert.Equal(0.25, quality.DeadFraction, 12);
        Assert.Equal((1 + 0 + 24.0 / 25) / 3, quality.Cosine, 6);
        // Σ‖x − x̂‖² = 1 + 2 + 2 = 5; x̄ = (4/3, 5/3), Σ‖x − x̄‖² = (26 + 20 + 74) / 9 = 120/9; FVU = 0.375.
        Assert.Equal(0.375, quality.Fvu, 6);
    }

    [Fact]
    public void EvaluateStreamsEveryRowOfTheSource()
    {
        using var sae = SparseAutoencoder.Initialize(SaeArchitecture.TopK, 6, 12, 2, 1);
        using var data = randn([500, 6], generator: new Generator(2));
        var streamed = SaeMetrics.Evaluate(sae, new TensorActivationSource(data, chunkRows: 64));
        using var xHat = sae.Reconstruct(data);
        Assert.Equal(500, streamed.Tokens);
        Assert.Equal(SaeMetrics.Fvu(data, xHat), streamed.Fvu, 5);
        Assert.Equal(2.0, streamed.L0, 1); // TopK: at most k, ReLU may zero a few
    }

    [Fact]
    public void GeometricMedianOfCollinearPointsIsTheMedian()
    {
        // On a line the geometric median is the ordinary median (distinct from the mean, 22).
        using var points = tensor(new float[] { 0, 0, 1, 1, 2, 2, 3, 3, 104, 104 }, [5, 2]);
        using var median = GeometricMedian.Compute(points, maxIterations: 500, tolerance: 1e-12);
        Assert.Equal(2, median[0].item<float>(), 3);
        Assert.Equal(2, median[1].item<float>(), 3);
    }
}
