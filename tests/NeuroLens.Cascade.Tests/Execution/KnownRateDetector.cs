using NeuroLens.Cascade.Detectors;
using NeuroLens.Cascade.Execution;
using NeuroLens.Imaging;
using NeuroLens.Imaging.Pyramids;

namespace NeuroLens.Cascade.Tests.Execution;

/// <summary>
/// A detector with known rates: it reads the truth of the chunk and calls a positive chunk positive with
/// probability β and a negative one with probability α, independently per chunk. The draw is a hash of
/// (seed, chunk), so it does not depend on the order or batching of calls.
/// </summary>
internal sealed class KnownRateDetector(ChunkTruth truth, int level, int[] chunkSize, double beta, double alpha, int seed) : IChunkDetector
{
    public string Name => "known-rate";

    public float[] Score(Volume<float> image, IReadOnlyList<Box> chunks)
    {
        var scores = new float[chunks.Count];
        for (int i = 0; i < chunks.Count; i++)
        {
            var b = chunks[i];
            var chunk = chunkSize.Length == 3
                ? new ChunkIndex(level, b.Z0 / chunkSize[0], b.Y0 / chunkSize[1], b.X0 / chunkSize[2])
                : new ChunkIndex(level, 0, b.Y0 / chunkSize[0], b.X0 / chunkSize[1]);
            double u = Uniform(seed, chunk);
            scores[i] = (truth[chunk] ? u < beta : u < alpha) ? 1 : 0;
        }
        return scores;
    }

    public void Train(IReadOnlyList<ChunkExample> examples, int seed) => throw new NotSupportedException("the rates are given.");

    private static double Uniform(int seed, ChunkIndex c)
    {
        ulong h = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
        foreach (int v in new[] { c.Level, c.Z, c.Y, c.X })
        {
            h ^= (ulong)(uint)v + 0x9E3779B97F4A7C15UL + (h << 6) + (h >> 2);
            h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
            h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
            h ^= h >> 31;
        }
        return (h >> 11) * (1.0 / (1UL << 53));
    }
}
