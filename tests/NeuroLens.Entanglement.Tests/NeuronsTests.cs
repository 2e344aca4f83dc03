using NeuroLens.Entanglement.Neurons;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Tests;

public sealed class NeuronsTests
{
    [Fact]
    public void MappingDifficultyEqualsTheHandFormulaOnGivenPairs()
    {
        using var generator = new TorchSharp.torch.Generator(4);
        using var x = randn([10, 3], generator: generator);
        using var y = randn([10, 4], generator: generator);
        y.narrow(1, 3, 1).fill_(2f); // constant neuron: N_y = 0 → NaN
        long[] pa = [0, 2, 4, 6, 8], pb = [1, 3, 5, 7, 9];
        using var a = tensor(pa);
        using var b = tensor(pb);
        var result = MappingDifficulty.Compute(x, y, a, b);

        double[] dx = pa.Select((t, i) => Math.Sqrt(Enumerable.Range(0, 3).Sum(c => Math.Pow(x[t, c].item<float>() - x[pb[i], c].item<float>(), 2)))).ToArray();
        double nx = dx.Max();
        Assert.Equal(nx, result.InputScale, 1e-6);
        for (int j = 0; j < 3; j++)
        {
            double[] dy = pa.Select((t, i) => (double)Math.Abs(y[t, j].item<float>() - y[pb[i], j].item<float>())).ToArray();
            double ny = dy.Order().ElementAt(2); // median of 5
            double expected = dy.Select((v, i) => v / ny / (dx[i] / nx)).Average();
            Assert.Equal(expected, result.Values[j], 1e-6 * expected);
        }
        Assert.True(double.IsNaN(result.Values[3]));
    }

    [Fact]
    public void LinearNeuronsAreEasyAndScrambledNeuronsAreHard()
    {
        using var generator = new TorchSharp.torch.Generator(5);
        // One input feature: many pairs are close, so a neuron that separates close inputs has a large MD.
        using var x = rand([4000, 1], generator: generator);
        using var w = tensor(new float[] { 1, -3 }, [1, 2]);
        using var linear = x.matmul(w);                                        // similar inputs → similar outputs
        using var scrambled = (x.matmul(w) * 50).sin();                         // similar inputs → dissimilar outputs
        using var y = cat([linear, linear * -7, scrambled], 1);
        var result = MappingDifficulty.Compute(x, y, pairs: 2000, seed: 1);
        Assert.Equal(2000, result.Pairs);
        Assert.Equal(result.Values[0], result.Values[2], 1e-6 * result.Values[0]); // invariant to scaling a neuron
        Assert.True(result.Values[4] > 2 * result.Values[0]);
        Assert.True(result.Values[5] > 2 * result.Values[1]);
    }

    [Fact]
    public void NeuronSetsAreTopBottomAndSeededRandomOfEqualSize()
    {
        double[] wd = [0.5, 0.1, double.NaN, 0.9, 0.3, 0.2, 0.8, 0.05, 0.4, 0.6];
        var sets = NeuronSets.Select(wd, topPercent: 20, seed: 3);
        Assert.Equal([3, 6], sets.Top);
        Assert.Equal([7, 1], sets.Bottom);
        Assert.Equal(2, sets.Random.Length);
        Assert.DoesNotContain(2, sets.Random);
        Assert.Equal(sets.Random, NeuronSets.Select(wd, 20, 3).Random);
    }
}
