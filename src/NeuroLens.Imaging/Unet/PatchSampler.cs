using NeuroLens.Core;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Unet;

/// <summary>
/// Draws random training patches (and their targets) from a set of volumes: a volume is chosen with
/// probability proportional to its voxel count, then a patch origin uniformly (and, for a 2D network on
/// a 3D volume, a z section). Holds zero-copy tensor views of the volumes until disposed.
/// </summary>
internal sealed class PatchSampler : IDisposable
{
    private readonly int dims;
    private readonly int[] patch;
    private readonly List<(Tensor Image, Tensor Target)> views = [];
    private readonly double[] cumulativeWeight;

    public PatchSampler(IReadOnlyList<UnetTrainingPair> data, UNetConfig config, int[] patchSize)
    {
        if (data.Count == 0) throw new NeuroLensException("U-Net training: no training volumes given.");
        dims = config.Dimensions;
        patch = patchSize;
        int[] multiple = config.SizeMultiple();
        if (patchSize.Length != dims || patchSize.Where((p, a) => p <= 0 || p % multiple[a] != 0).Any())
            throw new NeuroLensException($"U-Net training: patch size [{string.Join(", ", patchSize)}] must have {dims} positive entries, multiples of [{string.Join(", ", multiple)}].");
        cumulativeWeight = new double[data.Count];
        double total = 0;
        for (int i = 0; i < data.Count; i++)
        {
            var (image, target) = (data[i].Image, data[i].Target);
            string which = $"U-Net training volume {i}";
            if (dims == 3 && image.Dimensions != 3)
                throw new NeuroLensException($"{which}: a 3D network needs 3D volumes, got a 2D image.");
            if (image.Depth != target.Depth || image.Height != target.Height || image.Width != target.Width)
                throw new NeuroLensException($"{which}: image {image} and target {target} differ in shape.");
            if (image.Channels != config.InChannels || target.Channels != config.OutChannels)
                throw new NeuroLensException($"{which}: image has {image.Channels} channels and target {target.Channels}, the network expects {config.InChannels} and {config.OutChannels}.");
            int[] spatial = dims == 3 ? [image.Depth, image.Height, image.Width] : [image.Height, image.Width];
            if (spatial.Where((s, a) => s < patchSize[a]).Any())
                throw new NeuroLensException($"{which}: {image} is smaller than the patch [{string.Join(", ", patchSize)}].");
            views.Add((Volume4D(image), Volume4D(target)));
            total += image.VoxelCount;
            cumulativeWeight[i] = total;
        }
        for (int i = 0; i < cumulativeWeight.Length; i++) cumulativeWeight[i] /= total;
    }

    /// <summary>A batch <c>[B, C, spatial…]</c> of images and targets on the CPU (new tensors).</summary>
    public (Tensor Images, Tensor Targets) Sample(Random random, int batchSize, bool augment)
    {
        using var scope = NewDisposeScope();
        var images = new Tensor[batchSize];
        var targets = new Tensor[batchSize];
        bool square = patch[^1] == patch[^2];
        for (int b = 0; b < batchSize; b++)
        {
            double u = random.NextDouble();
            int v = Array.FindIndex(cumulativeWeight, w => u < w);
            if (v < 0) v = cumulativeWeight.Length - 1;
            var (image, target) = views[v];
            // Views are [C, D, H, W]; a 2D patch takes one z section.
            long depth = image.shape[1], height = image.shape[2], width = image.shape[3];
            long z0 = dims == 3 ? random.NextInt64(depth - patch[0] + 1) : random.NextInt64(depth);
            long y0 = random.NextInt64(height - patch[^2] + 1);
            long x0 = random.NextInt64(width - patch[^1] + 1);
            images[b] = Crop(image, z0, y0, x0);
            targets[b] = Crop(target, z0, y0, x0);
            if (augment)
            {
                var transform = FlipRotate.Sample(random, dims, square);
                (images[b], targets[b]) = transform.Apply(images[b], targets[b]);
            }
        }
        var batchImages = stack(images);
        var batchTargets = stack(targets);
        return (batchImages.MoveToOuterDisposeScope(), batchTargets.MoveToOuterDisposeScope());
    }

    private Tensor Crop(Tensor view, long z0, long y0, long x0)
    {
        var section = dims == 3 ? view.narrow(1, z0, patch[0]) : view.narrow(1, z0, 1).squeeze(1);
        return section.narrow(-2, y0, patch[^2]).narrow(-1, x0, patch[^1]);
    }

    private static Tensor Volume4D(Volume<float> volume)
    {
        using var view = volume.AsTensor();
        return volume.Dimensions == 2 ? view.unsqueeze(1) : view.alias();
    }

    public void Dispose()
    {
        foreach (var (image, target) in views) { image.Dispose(); target.Dispose(); }
        views.Clear();
    }
}
