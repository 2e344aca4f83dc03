using System.Text.Json.Nodes;
using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Entanglement.Models;
using NeuroLens.Models.Language;

namespace NeuroLens.Entanglement.Expansion;

/// <summary>
/// Sparse Expansion of a whole model (entanglement.md §5): block by block, every FFN group
/// (<see cref="ILanguageModel.FeedForwardGroups"/>) is expanded from inputs recorded with the block's
/// dense weights, while the inputs of each block come from the already-expanded blocks before it;
/// attention stays dense.
/// </summary>
public static class ModelExpander
{
    /// <summary>Expands <paramref name="model"/> (the hooks are installed on it; dispose the result to remove them).</summary>
    /// <param name="model">Any family.</param>
    /// <param name="calibration">Calibration batches.</param>
    /// <param name="options">K, r, sparsity, seed.</param>
    /// <param name="progress">Per-block progress, or null.</param>
    /// <param name="layers">Module-name globs of the FFN layers to expand (a group is expanded when all its layers match;
    /// its layers share one router, so a group matched only in part is an error); null or empty = every FFN group.</param>
    /// <returns>The expanded model and one report per expanded layer.</returns>
    public static (ExpandedModel Model, IReadOnlyList<(string Layer, ExpansionLayerReport Report)> Reports) Expand(
        ILanguageModel model, TokenData calibration, SparseExpansionOptions options, IProgress<ProgressUpdate>? progress = null,
        IReadOnlyList<string>? layers = null)
    {
        var groupsOf = Enumerable.Range(0, model.NumLayers).Select(l => SelectedGroups(model, l, layers)).ToList();
        var settings = new JsonObject
        {
            ["experts"] = options.Experts,
            ["pca_reduction"] = options.NoPca ? null : options.PcaReduction,
            ["sparsity"] = options.Pruning.Sparsity.ToString(),
            ["seed"] = options.Seed,
            ["restarts"] = options.Restarts,
        };
        var expanded = new ExpandedModel(model, settings);
        var reports = new List<(string, ExpansionLayerReport)>();
        try
        {
            LayerSequential.Run(model, calibration, layer => groupsOf[layer].SelectMany(g => g).ToList(), (layer, inputs) =>
            {
                foreach (var group in groupsOf[layer])
                {
                    var dense = group.Select(n => (model.GetLinear(n).weight!.detach(), model.GetLinear(n).bias?.detach())).ToList();
                    var (router, layers, layerReports) = SparseExpansion.Fit(dense, inputs[group[0]], options);
                    for (int i = 0; i < group.Count; i++) reports.Add((group[i], layerReports[i]));
                    expanded.Install(group, router, layers);
                }
            }, progress);
        }
        catch
        {
            expanded.Dispose();
            throw;
        }
        return (expanded, reports);
    }

    // The FFN groups of block l that the globs select (all of them without globs).
    private static IReadOnlyList<IReadOnlyList<string>> SelectedGroups(ILanguageModel model, int layer, IReadOnlyList<string>? globs)
    {
        var groups = model.FeedForwardGroups(layer);
        if (globs is null || globs.Count == 0) return groups;
        var result = new List<IReadOnlyList<string>>();
        foreach (var group in groups)
        {
            var matched = LayerSelection.Filter(group, globs);
            if (matched.Count == group.Count) result.Add(group);
            else if (matched.Count > 0)
                throw new NeuroLensException($"expand: {string.Join(" and ", group)} share one router; select all of them or none (matched only {string.Join(", ", matched)}).");
        }
        return result;
    }
}
