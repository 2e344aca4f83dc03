using NeuroLens.Core.Progress;
using NeuroLens.Entanglement.Models;
using NeuroLens.Models.Language;
using static TorchSharp.torch;

namespace NeuroLens.Entanglement.Pruning;

/// <summary>
/// Prunes a whole model layer-sequentially (entanglement.md §4): the calibration data run block by block,
/// and each block's linear layers are pruned with inputs produced by the already-pruned blocks before it
/// (all layers of one block from one pass of that block, as in SparseGPT's reference drivers). Weights
/// are replaced in place; save the model with <see cref="ILanguageModel.Save"/>.
/// </summary>
public static class ModelPruner
{
    /// <summary>Prunes <paramref name="model"/> in place.</summary>
    /// <param name="model">Any family (BERT, GPT-NeoX, GPT-2, Llama).</param>
    /// <param name="calibration">Calibration batches.</param>
    /// <param name="options">Method, sparsity, SparseGPT settings.</param>
    /// <param name="layers">Module-name globs of the layers to prune; null or empty = every linear layer inside the blocks.</param>
    /// <param name="progress">Per-block progress, or null.</param>
    /// <returns>One report per pruned layer, in data order, keyed by module name.</returns>
    public static IReadOnlyList<(string Layer, LayerPruningReport Report)> Prune(ILanguageModel model, TokenData calibration,
        PruningOptions options, IReadOnlyList<string>? layers = null, IProgress<ProgressUpdate>? progress = null)
    {
        var reports = new List<(string, LayerPruningReport)>();
        LayerSequential.Run(model, calibration, layer => LayerSelection.AllInBlock(model, layer, layers), (layer, inputs) =>
        {
            foreach (var (name, x) in inputs)
            {
                var linear = model.GetLinear(name);
                using var covariance = InputCovariance.Of(x);
                var (pruned, report) = LayerPruner.Prune(linear.weight!.detach(), covariance, options);
                using (pruned)
                using (no_grad())
                    linear.weight!.copy_(pruned);
                reports.Add((name, report));
            }
        }, progress);
        return reports;
    }
}
