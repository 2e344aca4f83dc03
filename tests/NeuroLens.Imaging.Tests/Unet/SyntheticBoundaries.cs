namespace NeuroLens.Imaging.Tests.Unet;

/// <summary>
/// A trivially learnable boundary task: each z section is split by a random straight line into two flat
/// regions of intensity 0.25 and 0.75 plus Gaussian noise (σ 0.08); the target is 1 on pixels whose
/// 4-neighbourhood crosses the line, 0 elsewhere.
/// </summary>
internal static class SyntheticBoundaries
{
    public static (Volume<float> Image, Volume<float> Target) Make(int seed, int depth, int height, int width, int dimensions = 2)
    {
        var random = new Random(seed);
        var image = new Volume<float>(depth, height, width, 1, dimensions);
        var target = new Volume<float>(depth, height, width, 1, dimensions);
        var region = new bool[height, width];
        for (int z = 0; z < depth; z++)
        {
            double angle = random.NextDouble() * Math.PI;
            double cy = height * (0.3 + 0.4 * random.NextDouble()), cx = width * (0.3 + 0.4 * random.NextDouble());
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    region[y, x] = Math.Cos(angle) * (x - cx) + Math.Sin(angle) * (y - cy) > 0;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                    image[z, y, x] = (float)((region[y, x] ? 0.75 : 0.25) + 0.08 * noise);
                    bool edge = (y > 0 && region[y - 1, x] != region[y, x]) || (y < height - 1 && region[y + 1, x] != region[y, x])
                             || (x > 0 && region[y, x - 1] != region[y, x]) || (x < width - 1 && region[y, x + 1] != region[y, x]);
                    target[z, y, x] = edge ? 1f : 0f;
                }
        }
        return (image, target);
    }
}
