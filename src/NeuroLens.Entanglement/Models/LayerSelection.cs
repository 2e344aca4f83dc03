using NeuroLens.Models.Capture;
using NeuroLens.Models.Language;

namespace NeuroLens.Entanglement.Models;

/// <summary>Which linear layers of a block a driver works on.</summary>
public static class LayerSelection
{
    /// <summary>The first FFN group of block l (the neurons of entanglement.md §1), filtered by globs when given.</summary>
    public static IReadOnlyList<string> FirstFeedForward(ILanguageModel model, int layer, IReadOnlyList<string>? globs = null) =>
        Filter(model.FeedForwardGroups(layer)[0], globs);

    /// <summary>Every linear layer inside block l (attention and FFN), filtered by globs when given.</summary>
    public static IReadOnlyList<string> AllInBlock(ILanguageModel model, int layer, IReadOnlyList<string>? globs = null)
    {
        string prefix = model.BlockName(layer) + ".";
        return Filter(model.LinearLayerNames.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList(), globs);
    }

    /// <summary>The names that match any of the globs (all names when there are none).</summary>
    public static IReadOnlyList<string> Filter(IReadOnlyList<string> names, IReadOnlyList<string>? globs)
    {
        if (globs is null || globs.Count == 0) return names;
        var patterns = globs.Select(g => new ModuleGlob(g)).ToList();
        return names.Where(n => patterns.Any(p => p.IsMatch(n))).ToList();
    }
}
