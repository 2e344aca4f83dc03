using NeuroLens.Imaging;

namespace NeuroLens.Benchmarks;

/// <summary>
/// Benchmark data: neuron-like label volumes as Voronoi cells of points jittered on a grid (cells of
/// about (size / cellsPerAxis)³ voxels, so label counts are realistic: 17³ = 4913 segments at any size),
/// a boundary height map, and one seed per cell.
/// </summary>
public static class SyntheticLabels
{
    /// <summary>Voronoi labels 1..cellsPerAxis³ of points jittered inside the cells of a regular grid.</summary>
    public static Volume<ulong> Voronoi(int depth, int size, int cellsPerAxis, int seed, out int[][] points)
    {
        var rng = new Random(seed);
        double cell = (double)size / cellsPerAxis, cellZ = (double)depth / cellsPerAxis;
        int cz = depth == 1 ? 1 : cellsPerAxis;
        var pts = new int[cz * cellsPerAxis * cellsPerAxis][];
        for (int k = 0, i = 0; k < cz; k++)
            for (int j = 0; j < cellsPerAxis; j++)
                for (int l = 0; l < cellsPerAxis; l++, i++)
                    pts[i] = [depth == 1 ? 0 : (int)((k + rng.NextDouble()) * cellZ), (int)((j + rng.NextDouble()) * cell), (int)((l + rng.NextDouble()) * cell)];
        var labels = new Volume<ulong>(depth, size, size);
        Parallel.For(0, depth * size, zy =>
        {
            int z = zy / size, y = zy % size;
            int gz = Math.Min(cz - 1, (int)(z / cellZ)), gy = Math.Min(cellsPerAxis - 1, (int)(y / cell));
            var row = labels.Data.AsSpan(zy * size, size);
            for (int x = 0; x < size; x++)
            {
                int gx = Math.Min(cellsPerAxis - 1, (int)(x / cell));
                long best = long.MaxValue;
                int bestIndex = 0;
                for (int k = Math.Max(0, gz - 1); k <= Math.Min(cz - 1, gz + 1); k++)
                    for (int j = Math.Max(0, gy - 1); j <= Math.Min(cellsPerAxis - 1, gy + 1); j++)
                        for (int l = Math.Max(0, gx - 1); l <= Math.Min(cellsPerAxis - 1, gx + 1); l++)
                        {
                            int index = (k * cellsPerAxis + j) * cellsPerAxis + l;
                            var p = pts[index];
                            long d = (long)(p[0] - z) * (p[0] - z) + (long)(p[1] - y) * (p[1] - y) + (long)(p[2] - x) * (p[2] - x);
                            if (d < best)
                            {
                                best = d;
                                bestIndex = index;
                            }
                        }
                row[x] = (ulong)bestIndex + 1;
            }
        });
        points = pts;
        return labels;
    }

    /// <summary>
    /// Boundary map of a label volume: 0.8 on voxels with a face neighbour of another label (a boundary
    /// two voxels thick, closed also for full connectivity), plus uniform noise in [0, 0.2).
    /// </summary>
    public static Volume<float> Boundaries(Volume<ulong> labels, int seed)
    {
        var rng = new Random(seed);
        var h = new Volume<float>(labels.Depth, labels.Height, labels.Width, 1, labels.Dimensions);
        int d = labels.Depth, ht = labels.Height, w = labels.Width;
        for (int z = 0; z < d; z++)
            for (int y = 0; y < ht; y++)
                for (int x = 0; x < w; x++)
                {
                    ulong l = labels[z, y, x];
                    bool edge = (x > 0 && labels[z, y, x - 1] != l) || (x < w - 1 && labels[z, y, x + 1] != l)
                        || (y > 0 && labels[z, y - 1, x] != l) || (y < ht - 1 && labels[z, y + 1, x] != l)
                        || (z > 0 && labels[z - 1, y, x] != l) || (z < d - 1 && labels[z + 1, y, x] != l);
                    h[z, y, x] = (edge ? 0.8f : 0f) + 0.2f * rng.NextSingle();
                }
        return h;
    }

    /// <summary>One seed voxel per Voronoi point, labelled like its cell.</summary>
    public static Volume<ulong> Seeds(Volume<ulong> labels, int[][] points)
    {
        var seeds = new Volume<ulong>(labels.Depth, labels.Height, labels.Width, 1, labels.Dimensions);
        for (int i = 0; i < points.Length; i++)
            seeds[points[i][0], points[i][1], points[i][2]] = (ulong)i + 1;
        return seeds;
    }

    /// <summary>The VI benchmark pair (truth: 17³ cells, segmentation: 18³ cells) as raw little-endian uint64, C order.</summary>
    public static (Volume<ulong> Segmentation, Volume<ulong> Truth) ViPair(int size) =>
        (Voronoi(size, size, 18, 2, out _), Voronoi(size, size, 17, 1, out _));

    /// <summary>Writes <see cref="ViPair"/> to DIR/segmentation_SIZE.u64 and DIR/truth_SIZE.u64.</summary>
    public static void Dump(string directory, int size)
    {
        Directory.CreateDirectory(directory);
        var (seg, truth) = ViPair(size);
        File.WriteAllBytes(Path.Combine(directory, $"segmentation_{size}.u64"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(seg.Data.AsSpan()).ToArray());
        File.WriteAllBytes(Path.Combine(directory, $"truth_{size}.u64"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(truth.Data.AsSpan()).ToArray());
    }
}
