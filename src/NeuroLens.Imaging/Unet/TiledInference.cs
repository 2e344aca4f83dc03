using NeuroLens.Core;
using NeuroLens.Core.Progress;
using NeuroLens.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Imaging.Unet;

/// <summary>
/// Prediction over images of any size with a <see cref="UNet"/>, tile by tile. The image is extended by
/// mirror reflection (<c>dcb|abcd|cba</c>, repeated as often as needed, so any size works): a margin of
/// half the overlap on every side (rounded up to the pooling multiple) plus whatever completes the last
/// tile. Overlapping tiles are predicted in batches and blended with a separable raised-cosine (Tukey)
/// window: per axis, at distance <c>r</c> (pixel centre) from the nearest tile edge the weight is 0 for
/// <c>r &lt; halo</c>, <c>sin²(π/2 · (r − halo) / (overlap − 2·halo))</c> up to <c>overlap − halo</c>, and 1
/// further in. Where two neighbours overlap their weights sum to 1; the output is the weighted sum divided
/// by the summed weights, so predictions near tile edges, which lack context, count little or not at all.
/// </summary>
public static class TiledInference
{
    /// <summary>
    /// The network's output for <paramref name="image"/> (<see cref="UNetConfig.InChannels"/> channels):
    /// a volume of the image's spatial shape with <see cref="UNetConfig.OutChannels"/> channels. A 2D
    /// network applied to a 3D volume predicts each z section. Runs on the model's device in evaluation
    /// mode (its mode is restored), reporting tiles done.
    /// </summary>
    public static Volume<float> Predict(UNet model, Volume<float> image, TilingOptions? options = null,
        IProgress<ProgressUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new TilingOptions();
        var config = model.Config;
        if (image.Channels != config.InChannels)
            throw new NeuroLensException($"tiled prediction: image {image} has {image.Channels} channels, the network expects {config.InChannels}.");
        if (config.Dimensions == 3 && image.Dimensions != 3)
            throw new NeuroLensException($"tiled prediction: a 3D network needs a 3D volume, got {image}.");
        if (options.BatchSize < 1) throw new NeuroLensException($"tiled prediction: BatchSize is {options.BatchSize}, expected at least 1.");
        var plan = Plan(config, options, config.Dimensions == 3 ? [image.Depth, image.Height, image.Width] : [image.Height, image.Width]);
        int sections = config.Dimensions == 2 ? image.Depth : 1;
        long totalTiles = plan.TileCount * sections;

        var result = new Volume<float>(image.Depth, image.Height, image.Width, config.OutChannels, image.Dimensions) { VoxelSize = (double[])image.VoxelSize.Clone() };
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var source = image.AsTensor();        // [C, H, W] or [C, D, H, W]
            using var destination = result.AsTensor(); // writes through to result
            for (int z = 0; z < sections; z++)
            {
                using var scope = NewDisposeScope();
                var input = config.Dimensions == 2 && image.Dimensions == 3 ? source.select(1, z) : source;
                var output = PredictTensor(model, input, plan, options, done =>
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Report(new ProgressUpdate("tiled U-Net prediction", z * plan.TileCount + done, totalTiles, "tiles"));
                });
                (config.Dimensions == 2 && image.Dimensions == 3 ? destination.select(1, z) : destination).copy_(output);
            }
        }
        finally { model.train(wasTraining); }
        return result;
    }

    private sealed record TilePlan(int[] Tile, int[] Stride, int[] Overlap, int[] Halo, int[] Margin, int[] Size, int[] Padded, int[] Counts)
    {
        public long TileCount => Counts.Aggregate(1L, (a, b) => a * b);
    }

    private static TilePlan Plan(UNetConfig config, TilingOptions options, int[] size)
    {
        int dims = config.Dimensions;
        int[] multiple = config.SizeMultiple();
        int[] tile = options.TileSize ?? Enumerable.Range(0, dims)
            .Select(a => RoundUp(dims == 3 && a == 0 ? 32 : 128, multiple[a])).ToArray();
        if (tile.Length != dims || tile.Where((t, a) => t <= 0 || t % multiple[a] != 0).Any())
            throw new NeuroLensException($"tiled prediction: tile size [{string.Join(", ", tile)}] must have {dims} positive entries, multiples of [{string.Join(", ", multiple)}].");
        int[] overlapAsked = options.Overlap ?? tile.Select(t => t / 4).ToArray();
        if (overlapAsked.Length != dims || overlapAsked.Where((o, a) => o < 0 || o >= tile[a]).Any())
            throw new NeuroLensException($"tiled prediction: overlap [{string.Join(", ", overlapAsked)}] must have {dims} entries from 0 to less than the tile size.");
        if (options.Halo is { } h && (h.Length != dims || h.Any(x => x < 0)))
            throw new NeuroLensException($"tiled prediction: halo [{string.Join(", ", h)}] must have {dims} non-negative entries.");
        var stride = new int[dims];
        var overlap = new int[dims];
        var halo = new int[dims];
        var margin = new int[dims];
        var padded = new int[dims];
        var counts = new int[dims];
        for (int a = 0; a < dims; a++)
        {
            stride[a] = RoundUp(tile[a] - overlapAsked[a], multiple[a]);
            overlap[a] = tile[a] - stride[a];
            halo[a] = Math.Min(options.Halo?[a] ?? overlap[a] / 4, overlap[a] / 2);
            // The margin (≥ halo) keeps every image pixel off the zero-weight band of some tile.
            margin[a] = RoundUp(overlap[a] / 2, multiple[a]);
            long needed = size[a] + 2L * margin[a];
            counts[a] = checked((int)(Math.Max(0, (needed - tile[a] + stride[a] - 1) / stride[a]) + 1));
            padded[a] = checked(tile[a] + (counts[a] - 1) * stride[a]);
        }
        return new TilePlan(tile, stride, overlap, halo, margin, size, padded, counts);
    }

    // input [C, spatial…] → output [OutChannels, spatial…] on the CPU.
    private static Tensor PredictTensor(UNet model, Tensor input, TilePlan plan, TilingOptions options, Action<long> onTiles)
    {
        int dims = plan.Tile.Length;
        var device = model.Device;
        var padded = input.to(device);
        for (int a = 0; a < dims; a++)
        {
            using var index = tensor(ReflectIndex(plan.Size[a], plan.Margin[a], plan.Padded[a]), device: device);
            padded = padded.index_select(a + 1, index);
        }
        var window = Window(plan.Tile[0], plan.Overlap[0], plan.Halo[0]);
        for (int a = 1; a < dims; a++) window = window.unsqueeze(-1) * Window(plan.Tile[a], plan.Overlap[a], plan.Halo[a]);
        window = window.to(device);

        long[] accumulatorShape = [model.Config.OutChannels, .. plan.Padded.Select(p => (long)p)];
        var sum = zeros(accumulatorShape, device: device);
        var weight = zeros(plan.Padded.Select(p => (long)p).ToArray(), device: device);
        var origins = Origins(plan).ToList();
        for (int first = 0; first < origins.Count; first += options.BatchSize)
        {
            using var scope = NewDisposeScope();
            var batch = origins.Skip(first).Take(options.BatchSize).ToList();
            var tiles = stack(batch.Select(o => Region(padded, o, plan.Tile, 1)).ToArray());
            var output = model.call(tiles);
            if (options.Probabilities) output = output.sigmoid();
            output = output * window;
            for (int b = 0; b < batch.Count; b++)
            {
                Region(sum, batch[b], plan.Tile, 1).add_(output[b], TorchScalars.One);
                Region(weight, batch[b], plan.Tile, 0).add_(window, TorchScalars.One);
            }
            onTiles(first + batch.Count);
        }
        var blended = sum / weight;
        for (int a = 0; a < dims; a++) blended = blended.narrow(a + 1, plan.Margin[a], plan.Size[a]);
        return blended.cpu();
    }

    // A view of the tile at `origin` over the spatial axes, which start at `firstAxis`.
    private static Tensor Region(Tensor t, int[] origin, int[] tile, int firstAxis)
    {
        var view = t;
        for (int a = 0; a < origin.Length; a++) view = view.narrow(firstAxis + a, origin[a], tile[a]);
        return view;
    }

    private static IEnumerable<int[]> Origins(TilePlan plan)
    {
        int dims = plan.Tile.Length;
        var i = new int[dims];
        while (true)
        {
            yield return i.Select((k, a) => k * plan.Stride[a]).ToArray();
            int axis = dims - 1;
            while (axis >= 0 && ++i[axis] == plan.Counts[axis]) i[axis--] = 0;
            if (axis < 0) yield break;
        }
    }

    /// <summary>Source index of each padded position: mirror reflection without repeating the edge, periodic for any pad.</summary>
    internal static long[] ReflectIndex(int size, int before, int padded)
    {
        var index = new long[padded];
        long period = 2L * (size - 1);
        for (int i = 0; i < padded; i++)
        {
            if (size == 1) continue;
            long j = ((i - (long)before) % period + period) % period;
            index[i] = j < size ? j : period - j;
        }
        return index;
    }

    /// <summary>The one-axis blending weights of a tile (see the class summary).</summary>
    internal static Tensor Window(int tile, int overlap, int halo)
    {
        var w = new float[tile];
        int ramp = overlap - 2 * halo;
        for (int i = 0; i < tile; i++)
        {
            double r = Math.Min(i + 0.5, tile - i - 0.5);
            w[i] = overlap == 0 || r >= overlap - halo ? 1f
                 : r <= halo ? 0f
                 : (float)Math.Pow(Math.Sin(Math.PI / 2 * (r - halo) / ramp), 2);
        }
        return tensor(w);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
