using NeuroLens.Core.Statistics;
using NeuroLens.Core.TensorFiles;
using static TorchSharp.torch;

namespace NeuroLens.Core.Tests.Statistics;

public class GaussianWassersteinTests
{
    private static readonly System.Text.Json.JsonElement Fixture = StatisticsFixture.Load("wasserstein.json");

    private static Tensor Data()
    {
        using var source = TensorFile.Open(Path.Combine(AppContext.BaseDirectory, "Fixtures", "statistics", "wasserstein_x.npy"));
        return source.ReadTensor(source.Entries[0].Name);
    }

    private static double?[] Expected(string key) =>
        Fixture.GetProperty(key).EnumerateArray().Select(v => v.ValueKind == System.Text.Json.JsonValueKind.Null ? (double?)null : v.GetDouble()).ToArray();

    [Fact]
    public void EqualsTheClosedFormAndScipyOnFourDistributions()
    {
        using var x = Data();
        var result = GaussianWasserstein.Compute(x);
        var closed = Expected("closed_form");
        var scipy = Expected("scipy");
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(closed[j]!.Value, result.Distances[j], closed[j]!.Value * 1e-5);
            Assert.Equal(scipy[j]!.Value, result.Distances[j], scipy[j]!.Value * 1e-5);
        }
        Assert.True(result.Distances[0] < 0.03);                       // Gaussian: near 0
        Assert.All(result.Distances.Skip(1).Take(3), d => Assert.True(d > 0.1)); // Laplace, bimodal, uniform
    }

    [Fact]
    public void ConstantAndNonFiniteColumnsGiveNaNAndAreFlagged()
    {
        using var x = Data();
        using var withNaN = cat([x, x.narrow(1, 0, 1).clone()], 1);
        withNaN[10, 5] = tensor(float.NaN);
        var result = GaussianWasserstein.Compute(withNaN);
        Assert.True(double.IsNaN(result.Distances[4]));
        Assert.True(double.IsNaN(result.Distances[5]));
        Assert.Equal([4], result.ConstantColumns);
        Assert.Equal([5], result.NonFiniteColumns);
        Assert.Equal(1.25, result.Means[4], 1e-12);
        Assert.Equal(0.0, result.StandardDeviations[4]);
    }

    [Fact]
    public void IsInvariantToShiftingAndScalingAColumn()
    {
        using var x = Data();
        using var moved = x * 3.0f + 7.5f;
        using var negated = x * -1.0f; // a reflection changes the distribution: only the symmetric columns stay
        var a = GaussianWasserstein.Compute(x);
        var b = GaussianWasserstein.Compute(moved);
        for (int j = 0; j < 4; j++) Assert.Equal(a.Distances[j], b.Distances[j], a.Distances[j] * 1e-4);
        Assert.Equal(a.Means[0] * 3 + 7.5, b.Means[0], 1e-4);
        Assert.Equal(a.StandardDeviations[0] * 3, b.StandardDeviations[0], 1e-4);
    }

    [Fact]
    public void BlockSizeThreadsAndInputTypeDoNotChangeTheResult()
    {
        using var x = Data();
        var reference = GaussianWasserstein.Compute(x);
        var oneColumnBlocks = GaussianWasserstein.Compute(x, new GaussianWassersteinOptions { MemoryBudgetBytes = 1, Threads = 1 });
        using var asDouble = x.to(ScalarType.Float64);
        using var strided = cat([x, x], 1).narrow(1, 0, 5); // non-contiguous: the TorchSharp path
        var fromDouble = GaussianWasserstein.Compute(asDouble, new GaussianWassersteinOptions { Threads = 2 });
        var fromStrided = GaussianWasserstein.Compute(strided);
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(reference.Distances[j], oneColumnBlocks.Distances[j]);
            Assert.Equal(reference.Distances[j], fromDouble.Distances[j]);
            Assert.Equal(reference.Distances[j], fromStrided.Distances[j]);
        }
    }

    [Fact]
    public void StreamsFromRowShardsOnDisk()
    {
        using var x = Data();
        using var folder = new TempFolder();
        string first = folder.File("shard0.npy"), second = folder.File("shard1.safetensors");
        TensorFile.Write(first, [("x", x.narrow(0, 0, 1234))]);
        TensorFile.Write(second, [("x", x.narrow(0, 1234, x.shape[0] - 1234))]);
        var source = new ShardedColumnSource([first, second]);
        Assert.Equal(x.shape[0], source.Rows);
        var streamed = GaussianWasserstein.Compute(source, new GaussianWassersteinOptions { MemoryBudgetBytes = 2 * 4 * x.shape[0] });
        var inMemory = GaussianWasserstein.Compute(x);
        Assert.Equal(inMemory.Distances.Take(4), streamed.Distances.Take(4));
    }

    [Fact]
    public void SampleReferenceIsTheSeededSortedDrawSharedByAllColumns()
    {
        using var x = Data();
        var options = new GaussianWassersteinOptions { Reference = GaussianReference.Sample, Seed = 7 };
        var result = GaussianWasserstein.Compute(x, options);
        var again = GaussianWasserstein.Compute(x, options);
        var other = GaussianWasserstein.Compute(x, options with { Seed = 8 });
        Assert.Equal(result.Distances, again.Distances);
        Assert.NotEqual(result.Distances[0], other.Distances[0]);

        double[] g = GaussianWasserstein.Reference(x.shape[0], GaussianReference.Sample, 7);
        Assert.True(g.Zip(g.Skip(1), (a, b) => a <= b).All(t => t));
        for (int j = 0; j < 4; j++)
        {
            double[] y = x[.., j].to(ScalarType.Float64).data<double>().ToArray();
            double mean = y.Average(), std = Math.Sqrt(y.Select(v => (v - mean) * (v - mean)).Average());
            double[] z = y.Select(v => (v - mean) / std).Order().ToArray();
            double expected = z.Zip(g, (a, b) => Math.Abs(a - b)).Average();
            Assert.Equal(expected, result.Distances[j], expected * 1e-5);
        }
    }

    [Fact]
    public void RadixSortEqualsArraySort()
    {
        var random = new Random(3);
        float[] values = Enumerable.Range(0, 5000).Select(i => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30)))).ToArray();
        values[0] = 0f;
        values[1] = float.MaxValue;
        values[2] = float.MinValue;
        values[3] = -1e-40f; // subnormal
        float[] expected = values.Order().ToArray();
        var scratch = new float[values.Length];
        var sorted = FloatRadixSort.Sort(values, scratch, new int[FloatRadixSort.HistogramLength]);
        Assert.Equal(expected, sorted.ToArray());
    }
}
