namespace NeuroLens.Imaging.Tests.Metrics;

/// <summary>Random label images with realistic runs: labels on a coarse grid, upsampled, plus voxel noise.</summary>
internal static class LabelImages
{
    public static Volume<ulong> Blocky(Random rng, int depth, int height, int width, int labels, int block, double noise = 0.05)
    {
        var v = new Volume<ulong>(depth, height, width);
        int cz = depth / block + 1, cy = height / block + 1, cx = width / block + 1;
        var coarse = new ulong[cz * cy * cx];
        for (int i = 0; i < coarse.Length; i++)
            coarse[i] = (ulong)rng.Next(labels);
        for (int z = 0; z < depth; z++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    v[z, y, x] = rng.NextDouble() < noise ? (ulong)rng.Next(labels) : coarse[((z / block) * cy + y / block) * cx + x / block];
        return v;
    }

    public static Volume<ulong> Row(params ulong[] labels) => new(labels, 1, 1, labels.Length);
}
