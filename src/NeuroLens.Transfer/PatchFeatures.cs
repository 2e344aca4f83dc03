using NeuroLens.Core;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Unet;
using static TorchSharp.torch;

namespace NeuroLens.Transfer;

/// <summary>
/// What a source model sees of a set of 2D patches: one feature vector per patch (the MMD features of
/// transfer.md §4) and the boundary probabilities (for uncertainty scores and segmentation). Patches are
/// run in batches in evaluation mode without gradients; results are on the CPU.
/// </summary>
public static class PatchFeatures
{
    /// <summary>Patches per forward pass.</summary>
    public const int BatchSize = 16;

    /// <summary>
    /// The global max-pool over space of the model's bottleneck (deepest encoder) activation, one row per
    /// patch: <c>[n, BaseWidth × 2^Depth]</c>, float32 (<see cref="UNet.GlobalMaxPooledBottleneck"/>).
    /// </summary>
    public static Tensor Of(UNet model, IReadOnlyList<Volume<float>> images)
    {
        var rows = Batched(model, images, x => model.GlobalMaxPooledBottleneck(x));
        using var scope = NewDisposeScope();
        var result = cat(rows, 0).cpu().MoveToOuterDisposeScope();
        foreach (var r in rows) r.Dispose();
        return result;
    }

    /// <summary>Boundary probabilities (sigmoid of the model's first output channel) of each patch, same extent.</summary>
    public static Volume<float>[] Boundaries(UNet model, IReadOnlyList<Volume<float>> images)
    {
        var batches = Batched(model, images, x => model.forward(x).narrow(1, 0, 1).sigmoid());
        var result = new List<Volume<float>>(images.Count);
        foreach (var batch in batches)
        {
            using (batch)
                for (long i = 0; i < batch.shape[0]; i++)
                {
                    using var one = batch[i].cpu();
                    result.Add(Volume<float>.FromTensor(one));
                }
        }
        return [.. result];
    }

    private static List<Tensor> Batched(UNet model, IReadOnlyList<Volume<float>> images, Func<Tensor, Tensor> run)
    {
        if (images.Count == 0) throw new NeuroLensException("patch features: no patches given.");
        foreach (var image in images)
            if (image.Dimensions != 2 || image.Channels != 1 || image.Height != images[0].Height || image.Width != images[0].Width)
                throw new NeuroLensException($"patch features: expected single-channel 2D patches of one size, got {image} beside {images[0]}.");
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            var outputs = new List<Tensor>();
            for (int start = 0; start < images.Count; start += BatchSize)
            {
                using var scope = NewDisposeScope();
                var parts = images.Skip(start).Take(BatchSize).Select(v => v.AsTensor()).ToArray();
                var x = stack(parts).to(model.Device); // [B, 1, H, W]
                outputs.Add(run(x).MoveToOuterDisposeScope());
            }
            return outputs;
        }
        finally { model.train(wasTraining); }
    }
}
