using NeuroLens.Core;
using NeuroLens.Core.Statistics;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Unet;
using static TorchSharp.torch;

namespace NeuroLens.Transfer;

/// <summary>A pretrained source: its model and patches of the domain it was trained on (for the MMD).</summary>
/// <param name="Name">The source's name.</param>
/// <param name="Model">The pretrained U-Net.</param>
/// <param name="Reference">Source-domain patches not used for training (its validation patches).</param>
public sealed record SourceModel(string Name, UNet Model, IReadOnlyList<Volume<float>> Reference);

/// <summary>One source's distance to a target.</summary>
/// <param name="Source">The source's name.</param>
/// <param name="Mmd">MMD² of the target's features against the source's, both in this source's feature space.</param>
/// <param name="Rank">1 for the smallest MMD² (the chosen source).</param>
public sealed record SourceScore(string Source, MmdResult Mmd, int Rank);

/// <summary>
/// MMD source selection (transfer.md §4). Each source model is its own feature extractor: the MMD² of a
/// source is between the global-max-pooled bottleneck features of the target patches and of the
/// source's own reference patches, both through that source's model — the distance between the two
/// neuron-image distributions in the feature space the source learned. (One shared feature space would
/// make the number independent of the candidate model; the paper's question is how foreign the target
/// looks to each model.) The smallest MMD² picks the source.
/// </summary>
public static class SourceRanking
{
    /// <summary>Every source's MMD² (with the options' permutation test) against the target, ranked smallest first.</summary>
    public static IReadOnlyList<SourceScore> Rank(IReadOnlyList<SourceModel> sources, IReadOnlyList<Volume<float>> target, MmdOptions? options = null)
    {
        if (sources.Count == 0) throw new NeuroLensException("source ranking: no sources given.");
        var results = sources.Select(s => Distance(s, target, options)).ToArray();
        var order = Enumerable.Range(0, sources.Count).OrderBy(i => results[i].Mmd2).ThenBy(i => i).ToArray();
        var rank = new int[sources.Count];
        for (int r = 0; r < order.Length; r++) rank[order[r]] = r + 1;
        return [.. order.Select(i => new SourceScore(sources[i].Name, results[i], rank[i]))];
    }

    /// <summary>MMD² of <paramref name="target"/> against the source's reference patches in the source's feature space.</summary>
    public static MmdResult Distance(SourceModel source, IReadOnlyList<Volume<float>> target, MmdOptions? options = null)
    {
        using var scope = NewDisposeScope();
        var targetFeatures = PatchFeatures.Of(source.Model, target);
        var sourceFeatures = PatchFeatures.Of(source.Model, source.Reference);
        return Mmd.Compute(targetFeatures, sourceFeatures, options);
    }
}
