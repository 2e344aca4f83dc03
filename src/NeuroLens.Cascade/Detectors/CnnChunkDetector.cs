using NeuroLens.Core.Runtime;
using NeuroLens.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroLens.Cascade.Detectors;

/// <summary>Options of <see cref="CnnChunkDetector"/>.</summary>
public sealed record CnnChunkOptions
{
    /// <summary>Side of the cube or square every chunk is resized to before the network (voxels).</summary>
    public int InputSize { get; init; } = 16;

    /// <summary>Channels of the first and second convolution.</summary>
    public int Width { get; init; } = 8;

    /// <summary>Passes over the training chunks.</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>Chunks per optimisation step.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 0.01;
}

/// <summary>
/// A small CNN chunk classifier (cascade.md §3) in TorchSharp: the chunk, resized to a fixed size and
/// standardised with the training set's mean and deviation, passes two 3×3 convolutions (the first
/// followed by 2× max pooling), then global max and mean pooling and a linear layer give one logit;
/// the score is its sigmoid. Trained with binary cross-entropy weighted to balance the classes, Adam,
/// seeded initialisation and shuffling.
/// </summary>
public sealed class CnnChunkDetector(CnnChunkOptions? options = null) : IChunkDetector, IDisposable
{
    private readonly CnnChunkOptions _options = options ?? new();
    private ChunkCnn? _network;
    private float _mean, _std = 1;

    /// <inheritdoc />
    public string Name => "cnn";

    /// <inheritdoc />
    public float[] Score(Volume<float> level, IReadOnlyList<Box> chunks)
    {
        if (_network is null) throw new InvalidOperationException("the CNN is not trained.");
        if (chunks.Count == 0) return [];
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _network.eval();
        using var mean = _mean.ToScalar();
        using var std = _std.ToScalar();
        var x = Batch(level, chunks).sub(mean).div(std);
        return sigmoid(_network.call(x)).data<float>().ToArray();
    }

    /// <inheritdoc />
    public void Train(IReadOnlyList<ChunkExample> examples, int seed)
    {
        if (examples.Count == 0) throw new ArgumentException("no training chunks.", nameof(examples));
        int dims = examples[0].Level.Dimensions;
        _network?.Dispose();
        _network = new ChunkCnn(dims, _options.Width, seed);
        using var scope = NewDisposeScope();
        var inputs = cat(examples.Select(e => Batch(e.Level, [e.Chunk])).ToList(), 0);
        _mean = inputs.mean().item<float>();
        _std = Math.Max(inputs.std().item<float>(), 1e-6f);
        using (var mean = _mean.ToScalar())
        using (var std = _std.ToScalar())
            inputs = inputs.sub(mean).div(std);
        var labels = tensor(examples.Select(e => e.Positive ? 1f : 0f).ToArray());
        long positives = examples.Count(e => e.Positive), negatives = examples.Count - positives;
        float posWeight = positives == 0 ? 1f : Math.Max(1f, (float)negatives / positives);
        using var optimizer = AdamOptimizer.Adam(_network.parameters());
        var rng = new Random(seed);
        var order = Enumerable.Range(0, examples.Count).ToArray();
        _network.train();
        for (int epoch = 0; epoch < _options.Epochs; epoch++)
        {
            rng.Shuffle(order);
            for (int start = 0; start < order.Length; start += _options.BatchSize)
            {
                using var step = NewDisposeScope();
                var index = tensor(order.Skip(start).Take(_options.BatchSize).Select(i => (long)i).ToArray());
                optimizer.ZeroGrad();
                var value = WeightedBce(_network.call(inputs.index_select(0, index)), labels.index_select(0, index), posWeight);
                value.backward();
                optimizer.Step(_options.LearningRate);
            }
        }
        _network.eval();
    }

    // Binary cross-entropy on logits z with positives weighted by w: −mean(w·t·log σ(z) + (1 − t)·log σ(−z)).
    private static Tensor WeightedBce(Tensor logits, Tensor targets, float positiveWeight)
    {
        using var weight = positiveWeight.ToScalar();
        // −t + 1 is 1 − t exactly.
        return -(targets.mul(weight) * nn.functional.logsigmoid(logits) + targets.neg().add(TorchScalars.One, TorchScalars.One) * nn.functional.logsigmoid(-logits)).mean();
    }

    /// <summary>Releases the network's native tensors.</summary>
    public void Dispose() => _network?.Dispose();

    // [N, 1, S, S] or [N, 1, S, S, S]: each chunk (first channel) resized by (bi/tri)linear interpolation.
    private Tensor Batch(Volume<float> level, IReadOnlyList<Box> chunks)
    {
        int s = _options.InputSize;
        var resized = new List<Tensor>(chunks.Count);
        foreach (var box in chunks)
        {
            var crop = level.Crop(box);
            var values = crop.Channel(0).ToArray();
            if (level.Dimensions == 2)
                resized.Add(nn.functional.interpolate(tensor(values, [1, 1, box.Height, box.Width]), [s, s], mode: InterpolationMode.Bilinear, align_corners: false));
            else
                resized.Add(nn.functional.interpolate(tensor(values, [1, 1, box.Depth, box.Height, box.Width]), [s, s, s], mode: InterpolationMode.Trilinear, align_corners: false));
        }
        return cat(resized, 0);
    }
}

/// <summary>The network of <see cref="CnnChunkDetector"/>: conv → ReLU → pool → conv → ReLU → global max ‖ mean → linear.</summary>
internal sealed class ChunkCnn : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1, pool, conv2;
    private readonly nn.Module<Tensor, Tensor> head;
    private readonly int _dims;

    public ChunkCnn(int dims, int width, long seed) : base("ChunkCnn")
    {
        _dims = dims;
        conv1 = dims == 2 ? nn.Conv2d(1, width, 3, padding: 1) : nn.Conv3d(1, width, 3, padding: 1);
        pool = dims == 2 ? nn.MaxPool2d(2) : nn.MaxPool3d(2);
        conv2 = dims == 2 ? nn.Conv2d(width, 2 * width, 3, padding: 1) : nn.Conv3d(width, 2 * width, 3, padding: 1);
        head = nn.Linear(4 * width, 1);
        RegisterComponents();
        // He-uniform from a private generator: construction is reproducible whatever else uses torch's global one.
        using var _ = no_grad();
        var generator = new Generator(unchecked((ulong)seed), CPU);
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) p.zero_();
            else p.uniform_(-Math.Sqrt(6.0 / p.shape.Skip(1).Aggregate(1L, (a, b) => a * b)), Math.Sqrt(6.0 / p.shape.Skip(1).Aggregate(1L, (a, b) => a * b)), generator);
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.relu(conv2.call(pool.call(nn.functional.relu(conv1.call(x))))); // [N, 2w, S/2, …]
        var flat = y.flatten(2);                                                           // [N, 2w, voxels]
        var features = cat([flat.amax(2), flat.mean([2])], 1);                             // [N, 4w]
        return head.call(features).squeeze(1).MoveToOuterDisposeScope();                  // [N]
    }
}
