using NeuroLens.Imaging;
using NeuroLens.Imaging.Filters;

namespace NeuroLens.Cascade.Detectors;

/// <summary>The chunk statistic of <see cref="IntensityDetector"/>.</summary>
public enum IntensityStatistic
{
    /// <summary>Mean of the (smoothed) chunk.</summary>
    Mean,
    /// <summary>Maximum of the (smoothed) chunk.</summary>
    Max,
    /// <summary>A high percentile of the (smoothed) chunk (<see cref="IntensityDetectorOptions.Percentile"/>).</summary>
    Percentile,
}

/// <summary>Options of <see cref="IntensityDetector"/>.</summary>
public sealed record IntensityDetectorOptions
{
    /// <summary>The statistic of the chunk's voxels used as score.</summary>
    public IntensityStatistic Statistic { get; init; } = IntensityStatistic.Percentile;

    /// <summary>Gaussian smoothing σ in voxels applied to the chunk before the statistic; 0 = none.</summary>
    public double Sigma { get; init; } = 1;

    /// <summary>The percentile in (0, 1) for <see cref="IntensityStatistic.Percentile"/>.</summary>
    public double Percentile { get; init; } = 0.99;
}

/// <summary>
/// The cheapest baseline of cascade.md §3: a smoothed intensity statistic of the chunk (first channel).
/// Training only learns the polarity: when positive chunks score lower than negative ones (dark objects
/// on a bright background), the score is negated so that higher always means more likely positive.
/// </summary>
public sealed class IntensityDetector(IntensityDetectorOptions? options = null) : IChunkDetector
{
    private readonly IntensityDetectorOptions _options = options ?? new();
    private float _sign = 1;

    /// <inheritdoc />
    public string Name => "intensity";

    /// <summary>+1, or −1 when training found the objects darker than the background.</summary>
    public float Polarity => _sign;

    /// <inheritdoc />
    public float[] Score(Volume<float> level, IReadOnlyList<Box> chunks)
    {
        var scores = new float[chunks.Count];
        for (int i = 0; i < chunks.Count; i++)
        {
            var crop = level.Crop(chunks[i]);
            var values = (_options.Sigma > 0 ? GaussianFilter.Smooth(crop, _options.Sigma) : crop).Channel(0);
            scores[i] = _sign * Statistic(values);
        }
        return scores;
    }

    /// <inheritdoc />
    public void Train(IReadOnlyList<ChunkExample> examples, int seed)
    {
        _sign = 1;
        double pos = 0, neg = 0;
        int np = 0, nn = 0;
        foreach (var group in examples.GroupBy(e => e.Level))
        {
            var scores = Score(group.Key, group.Select(e => e.Chunk).ToList());
            int i = 0;
            foreach (var e in group)
            {
                if (e.Positive) { pos += scores[i]; np++; } else { neg += scores[i]; nn++; }
                i++;
            }
        }
        if (np > 0 && nn > 0 && pos / np < neg / nn) _sign = -1;
    }

    private float Statistic(Span<float> values)
    {
        switch (_options.Statistic)
        {
            case IntensityStatistic.Mean:
                double sum = 0;
                foreach (var v in values) sum += v;
                return (float)(sum / values.Length);
            case IntensityStatistic.Max:
                float max = float.NegativeInfinity;
                foreach (var v in values) max = Math.Max(max, v);
                return max;
            default:
                var sorted = values.ToArray();
                Array.Sort(sorted);
                int k = (int)Math.Clamp(Math.Ceiling(_options.Percentile * sorted.Length) - 1, 0, sorted.Length - 1);
                return sorted[k];
        }
    }
}
