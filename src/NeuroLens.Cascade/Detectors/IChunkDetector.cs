using NeuroLens.Imaging;

namespace NeuroLens.Cascade.Detectors;

/// <summary>
/// A detector for one pyramid level (cascade.md §3): it scores chunks of that level, higher meaning more
/// likely positive; a threshold on the score turns it into a call. Calls are batched so that per-call
/// overhead (feature set-up, tensor creation) is paid once per batch.
/// </summary>
public interface IChunkDetector
{
    /// <summary>A short name for tables and file names (<c>intensity</c>, <c>forest</c>, <c>cnn</c>).</summary>
    string Name { get; }

    /// <summary>One score per chunk, in the order of <paramref name="chunks"/>.</summary>
    /// <param name="level">The pyramid level the chunks are cut from.</param>
    /// <param name="chunks">Chunk boxes in <paramref name="level"/>'s voxels.</param>
    float[] Score(Volume<float> level, IReadOnlyList<Box> chunks);

    /// <summary>Fits the detector to annotated chunks; deterministic for a given <paramref name="seed"/>.</summary>
    /// <param name="examples">Training chunks with their labels (and, for pixel classifiers, the level's mask).</param>
    /// <param name="seed">Seed of every random choice made in training.</param>
    void Train(IReadOnlyList<ChunkExample> examples, int seed);
}

/// <summary>A detector that also yields per-voxel foreground probabilities, for segmentation tasks.</summary>
public interface IPixelDetector : IChunkDetector
{
    /// <summary>Foreground probability in [0, 1] of every voxel of <paramref name="chunk"/> (a volume of the chunk's shape).</summary>
    /// <param name="level">The pyramid level the chunk is cut from.</param>
    /// <param name="chunk">The chunk box in <paramref name="level"/>'s voxels.</param>
    Volume<float> PixelProbabilities(Volume<float> level, Box chunk);
}

/// <summary>An annotated chunk for training.</summary>
/// <param name="Level">The pyramid level the chunk is cut from.</param>
/// <param name="Chunk">The chunk box in <paramref name="Level"/>'s voxels.</param>
/// <param name="Positive">Whether the chunk is positive (holds at least the minimum number of object voxels at level 0).</param>
/// <param name="Mask">The binary object mask at the same level (any non-zero = object), needed by pixel classifiers; null otherwise.</param>
public readonly record struct ChunkExample(Volume<float> Level, Box Chunk, bool Positive, Volume<byte>? Mask = null);
