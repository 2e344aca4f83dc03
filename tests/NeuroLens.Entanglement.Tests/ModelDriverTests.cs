using NeuroLens.Entanglement.Expansion;
using NeuroLens.Entanglement.Models;
using NeuroLens.Entanglement.Neurons;
using NeuroLens.Entanglement.Pruning;
using NeuroLens.Models.Language;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Tests;

/// <summary>The model-level drivers on the real MiniLM: entangle, layer-sequential pruning, expansion save/load.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class ModelDriverTests(MiniLmFixture minilm, ITestOutputHelper output)
{
    private static string Text => string.Join("\n", MiniLmFixture.Texts);

    [Fact]
    public void EntangleFindsWassersteinNeuronsInEveryFirstFfnLayer()
    {
        ILanguageModel model = LanguageModels.Load(minilm.Folder);
        using var _ = model;
        using var data = TokenData.FromText(model, minilm.Tokenizer, Text, 10_000, 64);
        var result = EntanglementAnalysis.Run(model, data, new EntanglementOptions { TopPercent = 1, Pairs = 300 });
        Assert.Equal(model.NumLayers, result.Layers.Count);
        Assert.Equal(model.NumLayers * 1536, result.Neurons.Count);
        foreach (var layer in result.Layers)
        {
            Assert.EndsWith("intermediate.dense", layer.Layer);
            Assert.Equal(15, layer.Sets.Top.Length); // round(1 % of 1536)
            Assert.Equal(data.Tokens, layer.Tokens);
            Assert.True(layer.MaxWasserstein > 2 * layer.MeanWasserstein);
            output.WriteLine($"{layer.Layer}: mean WD {layer.MeanWasserstein:G3}, max {layer.MaxWasserstein:G3}, Spearman(WD, MD) {layer.Spearman:G3}");
        }
        // The recorded outputs are those of the model: the top neuron's z-scores have mean 0 and variance 1.
        var top = result.TopOutputs[result.Layers[0].Layer][0];
        Assert.Equal(0, top.Z.Average(), 1e-6);
        Assert.Equal(1, top.Z.Select(z => z * z).Average(), 1e-5);
    }

    [Fact]
    public void LayerSequentialPruningAchievesTheSparsityKeepsFidelityAndSavesAnHfFolder()
    {
        ILanguageModel model = LanguageModels.Load(minilm.Folder);
        using var _ = model;
        using var calibration = TokenData.FromText(model, minilm.Tokenizer, Text, 10_000, 64);
        using var evaluation = TokenData.FromText(model, minilm.Tokenizer, Text, 10_000, 64);
        using var evaluator = ModelEvaluator.Create(model, evaluation);
        using var dense = new WeightSnapshot(model);
        var scores = new Dictionary<PruningMethod, double>();
        string[] ffn = ["encoder.layer.*.intermediate.dense", "encoder.layer.*.output.dense"];
        foreach (var method in new[] { PruningMethod.Magnitude, PruningMethod.SparseGpt })
        {
            dense.Restore();
            var reports = ModelPruner.Prune(model, calibration, new PruningOptions { Method = method, Sparsity = new SparsitySpec(0.5) }, ffn);
            Assert.Equal(2 * model.NumLayers, reports.Count);
            Assert.All(reports, r => Assert.Equal(0.5, r.Report.Achieved, 1e-9));
            scores[method] = evaluator.Evaluate(model).Value;
        }
        output.WriteLine($"FFN 50 %: fidelity magnitude {scores[PruningMethod.Magnitude]:G4}, SparseGPT {scores[PruningMethod.SparseGpt]:G4}");
        Assert.True(scores[PruningMethod.SparseGpt] > scores[PruningMethod.Magnitude]);
        Assert.True(scores[PruningMethod.SparseGpt] > 0.8);

        using var folder = new TempFolder();
        model.Save(folder.Path);
        ILanguageModel reloaded = LanguageModels.Load(folder.Path);
        using var __ = reloaded;
        Assert.Equal(scores[PruningMethod.SparseGpt], evaluator.Evaluate(reloaded).Value, 1e-6);
        using var w = reloaded.GetLinear("encoder.layer.2.intermediate.dense").weight!.detach().eq(0).to(ScalarType.Float64).mean();
        Assert.Equal(0.5, w.item<double>(), 1e-9);
    }

    [Fact]
    public void AnExpandedModelSavesAndReloadsWithTheSameEvaluation()
    {
        ILanguageModel model = LanguageModels.Load(minilm.Folder);
        using var _ = model;
        using var calibration = TokenData.FromText(model, minilm.Tokenizer, Text, 10_000, 64);
        using var evaluator = ModelEvaluator.Create(model, calibration);
        var options = new SparseExpansionOptions { Experts = 2, Restarts = 1, Pruning = new PruningOptions { Sparsity = new SparsitySpec(0.7) } };
        var (expanded, reports) = ModelExpander.Expand(model, calibration, options);
        using var __ = expanded;
        Assert.Equal(2 * model.NumLayers, reports.Count);
        double score = evaluator.Evaluate(model).Value;
        Assert.InRange(score, 0.3, 0.9999);

        using var folder = new TempFolder();
        expanded.Save(folder.Path);
        using var loaded = ExpandedModel.Load(folder.Path);
        using var ___ = loaded.Model;
        Assert.Equal(score, evaluator.Evaluate(loaded.Model).Value, 1e-6);
        expanded.Dispose(); // hooks removed: the dense model again
        Assert.Equal(1.0, evaluator.Evaluate(model).Value, 1e-6);
    }

    [Fact]
    public void ExpandingSelectedBlocksWithOneExpertEqualsSparseGptPruningOfThem()
    {
        // The reproduction takes Sparse Expansion's K = 1 rows from the SparseGPT run: the same layers, the same
        // layer-sequential walk, one cluster holding every token. Only the selected layers are expanded.
        ILanguageModel model = LanguageModels.Load(minilm.Folder);
        using var _ = model;
        using var calibration = TokenData.FromText(model, minilm.Tokenizer, Text, 10_000, 64);
        using var evaluator = ModelEvaluator.Create(model, calibration);
        using var dense = new WeightSnapshot(model);
        string[] layers = ["encoder.layer.4.intermediate.dense", "encoder.layer.4.output.dense", "encoder.layer.5.intermediate.dense", "encoder.layer.5.output.dense"];
        var sparsity = new SparsitySpec(0.7);
        var pruned = ModelPruner.Prune(model, calibration, new PruningOptions { Sparsity = sparsity }, layers);
        double prunedFidelity = evaluator.Evaluate(model).Value;
        dense.Restore();
        var (expanded, reports) = ModelExpander.Expand(model, calibration, new SparseExpansionOptions { Experts = 1, Pruning = new PruningOptions { Sparsity = sparsity } }, layers: layers);
        using var __ = expanded;
        Assert.Equal(layers, reports.Select(r => r.Layer));
        Assert.Equal(layers, pruned.Select(r => r.Layer));
        double expandedFidelity = evaluator.Evaluate(model).Value;
        // Block 4 sees the dense model's inputs in both runs: the same layers to float rounding. Block 5's inputs come
        // through block 4's experts instead of its pruned linears — equal values up to the last bits of different
        // matrix-product paths, which can flip near-tie mask choices: equal to 1e-3.
        for (int i = 0; i < layers.Length; i++)
            Assert.Equal(pruned[i].Report.ReconstructionError, reports[i].Report.ReconstructionError, pruned[i].Report.ReconstructionError * (i < 2 ? 1e-6 : 1e-3));
        Assert.Equal(prunedFidelity, expandedFidelity, 1e-3);
        output.WriteLine($"blocks 4–5 at 70 %: fidelity {prunedFidelity:G6}");
        expanded.Dispose();
        Assert.Equal(1.0, evaluator.Evaluate(model).Value, 1e-6); // blocks 0–3 were never touched
    }

    [Fact]
    public void AblatingNeuronsZeroesTheirOutputs()
    {
        ILanguageModel model = LanguageModels.Load(minilm.Folder);
        using var _ = model;
        using var data = TokenData.FromText(model, minilm.Tokenizer, Text, 400, 64);
        using var evaluator = ModelEvaluator.Create(model, data);
        string layer = "encoder.layer.1.intermediate.dense";
        Tensor? seen = null;
        var hook = model.GetLinear(layer).register_forward_hook((m, i, o) => { seen ??= o.detach().clone().DetachFromDisposeScope(); return null!; });
        using (new NeuronAblation(model, new Dictionary<string, int[]> { [layer] = [3, 7] }))
        {
            Assert.True(evaluator.Evaluate(model).Value < 1);
        }
        hook.remove();
        Assert.NotNull(seen);
        Assert.Equal(1.0, evaluator.Evaluate(model).Value, 1e-9);
    }
}
