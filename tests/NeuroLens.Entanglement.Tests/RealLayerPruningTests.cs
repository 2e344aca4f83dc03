using NeuroLens.Entanglement.Pruning;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Tests;

/// <summary>The three methods on real MiniLM FFN layers and their captured inputs.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class RealLayerPruningTests(MiniLmFixture minilm, ITestOutputHelper output)
{
    [Theory]
    [InlineData("encoder.layer.0.intermediate.dense", "0.5")]
    [InlineData("encoder.layer.3.intermediate.dense", "0.7")]
    [InlineData("encoder.layer.3.intermediate.dense", "2:4")]
    [InlineData("encoder.layer.5.output.dense", "0.5")]
    public void SparseGptBeatsWandaBeatsMagnitude(string layer, string sparsityText)
    {
        var x = minilm.Inputs[layer];
        var weight = minilm.Model.GetLinear(layer).weight!.detach();
        using var covariance = InputCovariance.Of(x);
        var errors = new Dictionary<PruningMethod, double>();
        foreach (var method in Enum.GetValues<PruningMethod>())
        {
            var options = new PruningOptions { Method = method, Sparsity = SparsitySpec.Parse(sparsityText) };
            var (pruned, report) = LayerPruner.Prune(weight, covariance, options);
            using var _ = pruned;
            // The error from G equals the direct ‖WX − ŴX‖²_F / ‖WX‖²_F.
            using var direct = (x.matmul(weight.t()) - x.matmul(pruned.t())).square().sum() / x.matmul(weight.t()).square().sum();
            Assert.Equal(direct.item<float>(), report.ReconstructionError, 1e-3 * report.ReconstructionError + 1e-6);
            Assert.Equal(options.Sparsity.Fraction, report.Achieved, 0.5 / weight.numel());
            errors[method] = report.ReconstructionError;
        }
        output.WriteLine($"{layer} {sparsityText}: magnitude {errors[PruningMethod.Magnitude]:G4}, wanda {errors[PruningMethod.Wanda]:G4}, sparsegpt {errors[PruningMethod.SparseGpt]:G4} ({x.shape[0]} tokens)");
        Assert.True(errors[PruningMethod.SparseGpt] < errors[PruningMethod.Wanda]);
        Assert.True(errors[PruningMethod.Wanda] < errors[PruningMethod.Magnitude]);
    }
}
