using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using NeuroLens.Imaging;

namespace NeuroLens.Cascade.Detectors;

/// <summary>How a pixel classifier turns pixel probabilities into a chunk score.</summary>
public enum PixelAggregation
{
    /// <summary>Mean probability over the chunk (suits large objects and tissue).</summary>
    Mean,
    /// <summary>
    /// Mean of the <see cref="PixelForestOptions.TopVoxels"/> highest probabilities (suits small sparse objects:
    /// a chunk that holds only the edge of an object still scores high, while a single noisy voxel does not).
    /// </summary>
    TopMean,
}

/// <summary>Options of <see cref="PixelForestDetector"/>.</summary>
public sealed record PixelForestOptions
{
    /// <summary>Filter-bank scales σ in voxels.</summary>
    public IReadOnlyList<double> Scales { get; init; } = FilterBankFeatures.DefaultScales;

    /// <summary>Pixels sampled per class (foreground, background) for training; classes are balanced.</summary>
    public int PixelsPerClass { get; init; } = 2000;

    /// <summary>Trees in the forest.</summary>
    public int Trees { get; init; } = 50;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 20;

    /// <summary>Minimum training pixels per leaf.</summary>
    public int MinimumPixelsPerLeaf { get; init; } = 10;

    /// <summary>
    /// The chunk score's aggregation of pixel probabilities. The mean (the expected object fraction of
    /// the chunk) ranks chunks best on all three synthetic tasks once hard negatives are mined; the top-4
    /// mean saturates at 1 on any chunk with a few confident voxels, so that many chunks tie.
    /// </summary>
    public PixelAggregation Aggregation { get; init; } = PixelAggregation.Mean;

    /// <summary>
    /// Rounds of hard-negative mining: after each fit, the background voxels of the training chunks that
    /// the forest scores highest (probability ≥ 0.5) are added to the training set — up to
    /// <see cref="PixelsPerClass"/> per round — and the forest is refitted. A uniform background sample
    /// holds few voxels of rare object-like structures (membranes, their junctions, dark texture), which a
    /// first forest then calls object; 0 disables.
    /// </summary>
    public int HardNegativeRounds { get; init; } = 1;

    /// <summary>Voxels averaged by <see cref="PixelAggregation.TopMean"/>, ≥ 1.</summary>
    public int TopVoxels { get; init; } = 4;
}

/// <summary>
/// An ilastik-style pixel classifier (cascade.md §3): <see cref="FilterBankFeatures"/> per voxel and a
/// random forest (ML.NET's FastForest, binary) trained on balanced samples of object and background
/// voxels of the training chunks; the chunk score aggregates the voxel probabilities. FastForest's binary
/// score is the mean of its trees' outputs, which regress the label coded −1/+1; the voxel probability is
/// (score + 1)/2, clipped to [0, 1]. Training runs on one thread so that a seed gives the same forest.
/// </summary>
public sealed class PixelForestDetector(PixelForestOptions? options = null) : IPixelDetector
{
    private readonly PixelForestOptions _options = options ?? new();
    private MLContext _ml = new(seed: 0);
    private ITransformer? _model;
    private int _features;

    /// <inheritdoc />
    public string Name => "forest";

    /// <inheritdoc />
    public float[] Score(Volume<float> level, IReadOnlyList<Box> chunks)
    {
        var probabilities = Predict(level, chunks);
        return probabilities.Select(Aggregate).ToArray();
    }

    /// <inheritdoc />
    public Volume<float> PixelProbabilities(Volume<float> level, Box chunk) =>
        new(Predict(level, [chunk])[0], chunk.Depth, chunk.Height, chunk.Width, 1, level.Dimensions);

    /// <inheritdoc />
    public void Train(IReadOnlyList<ChunkExample> examples, int seed)
    {
        if (examples.Any(e => e.Mask is null))
            throw new ArgumentException("the pixel classifier trains on voxel labels: every example needs its level's mask.", nameof(examples));
        // Positions of object and background voxels in all training chunks, then a balanced sample.
        var foreground = new List<(int Example, int Voxel)>();
        var background = new List<(int Example, int Voxel)>();
        for (int e = 0; e < examples.Count; e++)
        {
            var (_, box, _, mask) = examples[e];
            int v = 0;
            for (int z = box.Z0; z < box.Z1; z++)
                for (int y = box.Y0; y < box.Y1; y++)
                    for (int x = box.X0; x < box.X1; x++, v++)
                        (mask![z, y, x] != 0 ? foreground : background).Add((e, v));
        }
        if (foreground.Count == 0 || background.Count == 0)
            throw new ArgumentException("the training chunks need both object and background voxels.", nameof(examples));
        _ml = new MLContext(seed);
        var rng = new Random(seed);
        var chosen = Sample(foreground, rng).Select(s => (s, true)).Concat(Sample(background, rng).Select(s => (s, false)))
            .GroupBy(t => t.s.Example).OrderBy(g => g.Key);

        _features = FilterBankFeatures.Count(_options.Scales, examples[0].Level.Dimensions);
        var rows = new List<PixelRow>();
        foreach (var group in chosen)
        {
            var example = examples[group.Key];
            var features = FilterBankFeatures.Compute(example.Level, example.Chunk, _options.Scales);
            foreach (var ((_, voxel), label) in group)
                rows.Add(new PixelRow { Label = label, Features = Row(features, voxel) });
        }
        Fit(rows, seed);
        for (int round = 0; round < _options.HardNegativeRounds; round++)
        {
            var hard = HardNegatives(examples);
            if (hard.Count == 0) break;
            rows.AddRange(hard);
            Fit(rows, seed + round + 1);
        }
    }

    private void Fit(List<PixelRow> rows, int seed)
    {
        var trainer = _ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
        {
            NumberOfTrees = _options.Trees,
            NumberOfLeaves = _options.Leaves,
            MinimumExampleCountPerLeaf = _options.MinimumPixelsPerLeaf,
            NumberOfThreads = 1,
            Seed = seed,
        });
        _model = trainer.Fit(_ml.Data.LoadFromEnumerable(rows, Schema()));
    }

    /// <summary>
    /// The background voxels of the training chunks that the current forest calls object (probability
    /// ≥ 0.5), the highest-scoring first, at most <see cref="PixelForestOptions.PixelsPerClass"/>.
    /// </summary>
    private List<PixelRow> HardNegatives(IReadOnlyList<ChunkExample> examples)
    {
        const int Batch = 64; // chunks per feature computation, to bound memory
        var candidates = new List<(float Probability, int Example, int Voxel, PixelRow Row)>();
        foreach (var level in examples.Select((e, i) => (e, i)).GroupBy(t => t.e.Level))
        {
            foreach (var members in level.Chunk(Batch))
            {
                var features = FilterBankFeatures.ComputeMany(level.Key, members.Select(t => t.e.Chunk).ToList(), _options.Scales);
                var probabilities = Probabilities(features);
                for (int m = 0; m < members.Length; m++)
                {
                    var (example, index) = members[m];
                    var box = example.Chunk;
                    int v = 0;
                    for (int z = box.Z0; z < box.Z1; z++)
                        for (int y = box.Y0; y < box.Y1; y++)
                            for (int x = box.X0; x < box.X1; x++, v++)
                                if (example.Mask![z, y, x] == 0 && probabilities[m][v] >= 0.5f)
                                    candidates.Add((probabilities[m][v], index, v, new PixelRow { Label = false, Features = Row(features[m], v) }));
                }
            }
        }
        return candidates.OrderByDescending(c => c.Probability).ThenBy(c => c.Example).ThenBy(c => c.Voxel)
            .Take(_options.PixelsPerClass).Select(c => c.Row).ToList();
    }

    private List<(int Example, int Voxel)> Sample(List<(int Example, int Voxel)> items, Random rng)
    {
        int take = Math.Min(_options.PixelsPerClass, items.Count);
        for (int i = 0; i < take; i++) // partial Fisher–Yates
        {
            int j = rng.Next(i, items.Count);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items.GetRange(0, take);
    }

    private float[][] Predict(Volume<float> level, IReadOnlyList<Box> chunks)
    {
        if (_model is null) throw new InvalidOperationException("the pixel classifier is not trained.");
        if (chunks.Count == 0) return [];
        return Probabilities(FilterBankFeatures.ComputeMany(level, chunks, _options.Scales));
    }

    private float[][] Probabilities(Volume<float>[] features)
    {
        var rows = new List<PixelRow>();
        foreach (var f in features)
            for (int v = 0; v < f.VoxelCount; v++) rows.Add(new PixelRow { Features = Row(f, v) });
        var scores = _model!.Transform(_ml.Data.LoadFromEnumerable(rows, Schema())).GetColumn<float>("Score").ToArray();
        var result = new float[features.Length][];
        int offset = 0;
        for (int i = 0; i < features.Length; i++)
        {
            result[i] = new float[(int)features[i].VoxelCount];
            for (int v = 0; v < result[i].Length; v++) result[i][v] = Math.Clamp((scores[offset + v] + 1) / 2, 0f, 1f);
            offset += result[i].Length;
        }
        return result;
    }

    private float Aggregate(float[] probabilities)
    {
        if (_options.Aggregation == PixelAggregation.Mean) return probabilities.Average();
        var sorted = (float[])probabilities.Clone();
        Array.Sort(sorted);
        int k = Math.Clamp(_options.TopVoxels, 1, sorted.Length);
        return sorted.AsSpan(sorted.Length - k).ToArray().Average();
    }

    private static float[] Row(Volume<float> features, int voxel)
    {
        var row = new float[features.Channels];
        for (int c = 0; c < row.Length; c++) row[c] = features.Data[c * features.VoxelCount + voxel];
        return row;
    }

    private SchemaDefinition Schema()
    {
        var schema = SchemaDefinition.Create(typeof(PixelRow));
        schema[nameof(PixelRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, _features);
        return schema;
    }

    private sealed class PixelRow
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = [];
    }
}
