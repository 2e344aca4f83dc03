using NeuroLens.Core;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Metrics;
using NeuroLens.Imaging.Segmentation;
using NeuroLens.Imaging.Unet;
using static TorchSharp.torch;

namespace NeuroLens.Transfer;

/// <summary>Training settings of a source model or of a fine-tuning run (transfer.md §2, §5).</summary>
public sealed record TrainingBudget
{
    /// <summary>Optimisation steps; a fine-tuning run and its scratch baseline get the same.</summary>
    public int Steps { get; init; } = 80;

    /// <summary>Patches per step (random crops with flips and rotations).</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Side of the training crops, a multiple of the U-Net's 2^depth.</summary>
    public int CropSize { get; init; } = 64;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 3e-3;
}

/// <summary>A Variation of Information averaged over patches, in bits (log base 2).</summary>
/// <param name="Split">Mean H(S|T), over-segmentation.</param>
/// <param name="Merge">Mean H(T|S), under-segmentation.</param>
public sealed record MeanVi(double Split, double Merge)
{
    /// <summary>Split + merge.</summary>
    public double Total => Split + Merge;
}

/// <summary>
/// The pieces of the fine-tuning protocol (transfer.md §5): train a U-Net (from a source's weights or
/// from scratch) on annotated patches, fix the instance extraction on source validation data, and
/// score held-out patches with VI. Boundary targets are <see cref="LabelBoundaries"/> of the instance
/// labels; VI is in bits with the given <see cref="IgnoreZero"/> convention.
/// </summary>
public static class FineTuning
{
    /// <summary>Boundary-probability thresholds tried by <see cref="TuneExtraction"/>.</summary>
    public static IReadOnlyList<double> Thresholds { get; } = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

    /// <summary>
    /// A new model trained on <paramref name="patches"/>: a copy of <paramref name="source"/>'s weights
    /// (fine-tuning; every layer trains) or, when it is null, <paramref name="config"/> initialised from
    /// <paramref name="seed"/> (scratch). The source is not changed. Crop sampling and augmentation are
    /// seeded by <paramref name="seed"/> too, so a source run and its scratch baseline see the same crops.
    /// </summary>
    public static UNet Train(UNet? source, UNetConfig config, IReadOnlyList<TransferPatch> patches, TrainingBudget budget, int seed)
    {
        if (patches.Count == 0) throw new NeuroLensException("fine-tuning: no annotated patches given.");
        if (source is not null && source.Config != config)
            throw new NeuroLensException($"fine-tuning: the source model's architecture {source.Config.ToJson()} differs from {config.ToJson()}.");
        var model = new UNet(config, seed);
        if (source is not null) Copy(source, model);
        var data = patches.Select(p => new UnetTrainingPair(p.Image, LabelBoundaries.TargetOf(p.Labels))).ToList();
        new UnetTrainer(model, new UnetTrainingOptions
        {
            PatchSize = [budget.CropSize, budget.CropSize],
            BatchSize = budget.BatchSize,
            Steps = budget.Steps,
            LearningRate = budget.LearningRate,
            Seed = seed,
        }).Train(data);
        return model;
    }

    /// <summary>
    /// The instance-extraction options with the threshold (of <see cref="Thresholds"/>) that gives the
    /// lowest mean VI of <paramref name="model"/> on <paramref name="validation"/> — the source model on
    /// its own validation patches, never target data.
    /// </summary>
    public static InstanceSegmentationOptions TuneExtraction(UNet model, IReadOnlyList<TransferPatch> validation, IgnoreZero ignore)
    {
        var boundaries = PatchFeatures.Boundaries(model, [.. validation.Select(p => p.Image)]);
        return Thresholds.Select(t => new InstanceSegmentationOptions { Threshold = t })
            .MinBy(o => Score(boundaries, validation, o, ignore).Total)!;
    }

    /// <summary>Mean split, merge and VI of the model's instances on <paramref name="test"/>.</summary>
    public static MeanVi Evaluate(UNet model, IReadOnlyList<TransferPatch> test, InstanceSegmentationOptions extraction, IgnoreZero ignore) =>
        Score(PatchFeatures.Boundaries(model, [.. test.Select(p => p.Image)]), test, extraction, ignore);


    private static MeanVi Score(IReadOnlyList<Volume<float>> boundaries, IReadOnlyList<TransferPatch> truth, InstanceSegmentationOptions extraction, IgnoreZero ignore)
    {
        var scores = new VariationOfInformation[boundaries.Count];
        Parallel.For(0, boundaries.Count, Core.Runtime.ComputeSettings.ParallelOptions, i =>
            scores[i] = VariationOfInformation.Of(InstanceSegmentation.FromBoundaries(boundaries[i], extraction), truth[i].Labels, ignore, threads: 1));
        return new MeanVi(scores.Average(s => s.Split), scores.Average(s => s.Merge));
    }

    private static void Copy(UNet from, UNet to)
    {
        using var _ = no_grad();
        var source = from.state_dict();
        foreach (var (name, tensor) in to.state_dict()) tensor.copy_(source[name]);
    }
}
