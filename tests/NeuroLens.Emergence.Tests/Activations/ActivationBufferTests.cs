using NeuroLens.Emergence.Activations;
using static TorchSharp.torch;

namespace NeuroLens.Emergence.Tests.Activations;

public sealed class ActivationBufferTests
{
    public ActivationBufferTests() => TorchThreads.UseOne();

    private static List<float> RowIds(IEnumerable<Tensor> batches)
    {
        var ids = new List<float>();
        foreach (var b in batches)
            using (b)
            using (var first = b.select(1, 0))
                ids.AddRange(first.data<float>().ToArray());
        return ids;
    }

    [Fact]
    public void AnEpochHandsOutEveryRowOnceShuffled()
    {
        // Row i holds i in its first column.
        using var data = arange(1000, ScalarType.Float32).unsqueeze(1).repeat(1, 3);
        var source = new TensorActivationSource(data, chunkRows: 77);
        var ids = RowIds(ActivationBuffer.Batches(source, 32, 256, seed: 4, epochs: 2));
        Assert.Equal(2000, ids.Count);
        Assert.Equal(Enumerable.Range(0, 1000).SelectMany(i => new[] { (float)i, i }).Order(), ids.Order());
        Assert.NotEqual(Enumerable.Range(0, 1000).Select(i => (float)i), ids.Take(1000));
        // The same seed gives the same order; another seed another.
        Assert.Equal(ids, RowIds(ActivationBuffer.Batches(source, 32, 256, seed: 4, epochs: 2)));
        Assert.NotEqual(ids, RowIds(ActivationBuffer.Batches(source, 32, 256, seed: 5, epochs: 2)));
    }

    [Fact]
    public void ATokenBudgetStopsExactlyAndPassesOverTheSourceAgain()
    {
        using var data = arange(100, ScalarType.Float32).unsqueeze(1);
        var source = new TensorActivationSource(data);
        var batches = ActivationBuffer.Batches(source, 16, 64, seed: 1, tokens: 250).ToList();
        Assert.Equal(250, batches.Sum(b => b.shape[0]));
        Assert.All(batches.Take(batches.Count - 1), b => Assert.Equal(16, b.shape[0]));
        foreach (var b in batches) b.Dispose();
    }
}
