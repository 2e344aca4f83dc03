using NeuroLens.Entanglement.Expansion;
using NeuroLens.Entanglement.Pruning;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Tests;

[Collection(MiniLmCollection.Name)]
public sealed class SparseExpansionTests(MiniLmFixture minilm, ITestOutputHelper output)
{
    private const string Layer = "encoder.layer.3.intermediate.dense";

    [Fact]
    public void OneExpertIsPlainSparseGpt()
    {
        var x = minilm.Inputs[Layer];
        var linear = minilm.Model.GetLinear(Layer);
        var options = new SparseExpansionOptions { Experts = 1, Pruning = new PruningOptions { Sparsity = new SparsitySpec(0.7) } };
        var (router, layers, reports) = SparseExpansion.Fit([(linear.weight!.detach(), linear.bias!.detach())], x, options);
        using var _r = router;
        using var expanded = layers[0];
        var (pruned, report) = LayerPruner.Prune(linear.weight!.detach(), x, new PruningOptions { Sparsity = new SparsitySpec(0.7) });
        using var _p = pruned;
        Assert.Equal(0f, (expanded.Weights[0] - pruned).abs().max().item<float>());
        Assert.Equal(report.ReconstructionError, reports[0].ReconstructionError, 1e-9);
        using var y = expanded.Forward(x);
        using var expected = nn.functional.linear(x, pruned, linear.bias!);
        Assert.True(y.allclose(expected, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void MoreExpertsReconstructCalibrationDataBetterAndRouteByNearestCentroid()
    {
        var x = minilm.Inputs[Layer];
        var linear = minilm.Model.GetLinear(Layer);
        var errors = new Dictionary<int, double>();
        foreach (int k in new[] { 1, 4 })
        {
            var options = new SparseExpansionOptions { Experts = k, PcaReduction = 32, Seed = 3, Pruning = new PruningOptions { Sparsity = new SparsitySpec(0.7) } };
            var (router, layers, reports) = SparseExpansion.Fit([(linear.weight!.detach(), linear.bias!.detach())], x, options);
            using var _r = router;
            using var expanded = layers[0];
            Assert.Equal(0.7, reports[0].Achieved, 1e-6);
            Assert.Equal(x.shape[0], reports[0].TokensPerExpert.Sum());
            errors[k] = reports[0].ReconstructionError;
            // The measured error of the routed forward on the calibration tokens.
            using var dense = nn.functional.linear(x, linear.weight!, null);
            using var routed = expanded.Forward(x) - linear.bias!;
            double measured = ((routed - dense).square().sum() / dense.square().sum()).item<float>();
            Assert.Equal(errors[k], measured, 0.05 * errors[k]);
            if (k > 1)
            {
                Assert.Equal(12, router.PcaComponents!.shape[0]); // 384 / 32
                using var labels = router.Route(x);
                using var reduced = router.Reduce(x);
                using var d = cdist(reduced, router.Centroids);
                using var nearest = d.argmin(1);
                Assert.True(labels.eq(nearest).to(ScalarType.Float32).mean().item<float>() > 0.99);
            }
        }
        output.WriteLine($"70 % sparsity, {Layer}: K=1 {errors[1]:G4}, K=4 {errors[4]:G4}");
        Assert.True(errors[4] < errors[1]);
    }
}
