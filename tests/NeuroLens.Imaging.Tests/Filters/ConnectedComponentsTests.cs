using NeuroLens.Core;
using NeuroLens.Imaging.Filters;

namespace NeuroLens.Imaging.Tests.Filters;

public class ConnectedComponentsTests
{
    /// <summary>Reference: flood fill (BFS) with neighbours enumerated from the connectivity's definition.</summary>
    private static int[] FloodFill(Volume<byte> mask, int connectivity, out int count)
    {
        int d = mask.Depth, h = mask.Height, w = mask.Width;
        int maxSquared = connectivity switch { 4 or 6 => 1, 8 when d == 1 => 2, 18 => 2, _ => 3 };
        var labels = new int[mask.Data.Length];
        count = 0;
        for (int s = 0; s < labels.Length; s++)
        {
            if (mask.Data[s] == 0 || labels[s] != 0) continue;
            labels[s] = ++count;
            var queue = new Queue<int>([s]);
            while (queue.Count > 0)
            {
                int i = queue.Dequeue(), z = i / (h * w), y = i / w % h, x = i % w;
                for (int zz = z - 1; zz <= z + 1; zz++)
                    for (int yy = y - 1; yy <= y + 1; yy++)
                        for (int xx = x - 1; xx <= x + 1; xx++)
                        {
                            int sq = (zz - z) * (zz - z) + (yy - y) * (yy - y) + (xx - x) * (xx - x);
                            if (sq == 0 || sq > maxSquared || zz < 0 || zz >= d || yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                            int j = (zz * h + yy) * w + xx;
                            if (mask.Data[j] == 0 || labels[j] != 0) continue;
                            labels[j] = count;
                            queue.Enqueue(j);
                        }
            }
        }
        return labels;
    }

    [Theory]
    [InlineData(1, 4, 0.5)]
    [InlineData(2, 8, 0.4)]
    [InlineData(3, 6, 0.45)]
    [InlineData(4, 18, 0.3)]
    [InlineData(5, 26, 0.25)]
    [InlineData(6, 26, 0.12)]
    public void MatchesFloodFillUpToRelabelling(int seed, int connectivity, double density)
    {
        var rng = new Random(seed);
        bool is3D = connectivity is 6 or 18 or 26;
        var mask = is3D ? new Volume<byte>(8, 9, 10, 1, 3) : new Volume<byte>(1, 23, 29);
        for (int i = 0; i < mask.Data.Length; i++) mask.Data[i] = rng.NextDouble() < density ? (byte)(1 + rng.Next(3)) : (byte)0;
        var labels = ConnectedComponents.Label(mask, out int count, connectivity);
        var reference = FloodFill(mask, connectivity, out int expected);
        Assert.Equal(expected, count);
        Assert.True(count > 3);
        // A bijection between the two labellings, and labels 1..n in raster order of first voxel.
        var map = new Dictionary<int, int>();
        int seen = 0;
        for (int i = 0; i < labels.Data.Length; i++)
        {
            Assert.Equal(reference[i] == 0, labels.Data[i] == 0);
            if (labels.Data[i] == 0) continue;
            if (labels.Data[i] > seen) Assert.Equal(++seen, labels.Data[i]);
            if (map.TryGetValue(reference[i], out int mapped)) Assert.Equal(mapped, labels.Data[i]);
            else map[reference[i]] = labels.Data[i];
        }
        Assert.Equal(count, map.Values.Distinct().Count());
    }

    [Fact]
    public void DiagonalNeighboursDependOnConnectivity()
    {
        var mask = new Volume<byte>(1, 3, 3);
        mask[0, 0, 0] = mask[0, 1, 1] = mask[0, 2, 2] = 1;
        ConnectedComponents.Label(mask, out int four);
        ConnectedComponents.Label(mask, out int eight, 8);
        Assert.Equal(3, four);
        Assert.Equal(1, eight);
    }

    [Fact]
    public void ConnectivityMustSuitDimensions()
    {
        Assert.Throws<NeuroLensException>(() => ConnectedComponents.Label(new Volume<byte>(1, 3, 3), out _, 6));
        Assert.Throws<NeuroLensException>(() => ConnectedComponents.Label(new Volume<byte>(2, 3, 3), out _, 8));
    }
}
